import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { prometheusContentType } from 'prom-client';
import { ProjectorMetrics } from './projector-metrics';

/**
 * `GET /metrics` for Prometheus. No guard, like /health: a scraper holds no tenant key, and the
 * metrics carry no tenant data (see ProjectorMetrics).
 */
@ApiTags('operations')
@Controller('metrics')
export class MetricsHttpController {
  constructor(private readonly metrics: ProjectorMetrics) {}

  @Get()
  @Header('Content-Type', prometheusContentType)
  @ApiOperation({ summary: 'Prometheus metrics: events applied and skipped, batch sizes, apply durations, consumer lag per partition, Node process' })
  @ApiProduces(prometheusContentType)
  @ApiResponse({ status: 200, description: 'Prometheus text exposition format 0.0.4' })
  scrape(): Promise<string> {
    return this.metrics.render();
  }
}
