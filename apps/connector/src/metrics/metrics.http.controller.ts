import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { prometheusContentType } from 'prom-client';
import { ConnectorMetrics } from './connector-metrics';

/** `GET /metrics` for Prometheus; unauthenticated like /health, and free of tenant data. */
@ApiTags('operations')
@Controller('metrics')
export class MetricsHttpController {
  constructor(private readonly metrics: ConnectorMetrics) {}

  @Get()
  @Header('Content-Type', prometheusContentType)
  @ApiOperation({ summary: 'Prometheus metrics: events sent, failed and retried per destination, lag, time waiting on rate limits, request durations' })
  @ApiProduces(prometheusContentType)
  @ApiResponse({ status: 200, description: 'Prometheus text exposition format 0.0.4' })
  scrape(): Promise<string> {
    return this.metrics.render();
  }
}
