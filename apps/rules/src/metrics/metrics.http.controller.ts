import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { prometheusContentType } from 'prom-client';
import { RulesMetrics } from './rules-metrics';

/** `GET /metrics` for Prometheus; unauthenticated like /health, and free of tenant data. */
@ApiTags('operations')
@Controller('metrics')
export class MetricsHttpController {
  constructor(private readonly metrics: RulesMetrics) {}

  @Get()
  @Header('Content-Type', prometheusContentType)
  @ApiOperation({ summary: 'Prometheus metrics: events folded, decisions by type, day-run steps, outbox backlog, Node process' })
  @ApiProduces(prometheusContentType)
  @ApiResponse({ status: 200, description: 'Prometheus text exposition format 0.0.4' })
  scrape(): Promise<string> {
    return this.metrics.render();
  }
}
