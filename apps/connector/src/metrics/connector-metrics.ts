// prom-client with an own Registry, as in the other services: a handful of metrics and one endpoint.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, prometheusContentType } from 'prom-client';
import { type DeliveryObserver } from '../delivery/delivery-observer';
import { type WorkerObserver } from '../delivery/destination-worker';

/**
 * The connector's Prometheus metrics. Labels carry destination names and causes only: no tenant
 * or member data leaves through /metrics, which is unauthenticated.
 */
export class ConnectorMetrics implements DeliveryObserver, WorkerObserver {
  readonly contentType = prometheusContentType;
  private readonly registry = new Registry();
  private readonly published: Counter;
  private readonly sentTotal: Counter<'destination'>;
  private readonly failedTotal: Counter<'destination' | 'cause'>;
  private readonly retriedTotal: Counter<'destination' | 'cause'>;
  private readonly waitedSeconds: Counter<'destination'>;
  private readonly requestSeconds: Histogram<'destination' | 'status'>;
  private readonly lagByPartition = new Map<string, Map<number, number>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.published = new Counter({ name: 'loyalty_connector_feed_published_total', help: 'Public events published on the connector topic.', registers });
    this.sentTotal = new Counter({ name: 'loyalty_connector_sent_total', help: 'Events delivered, by destination.', labelNames: ['destination'], registers });
    this.failedTotal = new Counter({
      name: 'loyalty_connector_failed_total',
      help: 'Events dead-lettered, by destination and cause (rejected, item, unknown-outcome, no-identifier).',
      labelNames: ['destination', 'cause'],
      registers,
    });
    this.retriedTotal = new Counter({ name: 'loyalty_connector_retried_total', help: 'Requests retried, by destination and cause (rate-limited, server-error, network).', labelNames: ['destination', 'cause'], registers });
    this.waitedSeconds = new Counter({
      name: 'loyalty_connector_rate_limit_wait_seconds_total',
      help: 'Time spent waiting on rate limits (our own budget and the waits vendors asked for), by destination.',
      labelNames: ['destination'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'loyalty_connector_request_duration_seconds',
      help: 'Vendor requests, by destination and answer (HTTP status, timeout, network).',
      labelNames: ['destination', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const lags = this.lagByPartition;
    new Gauge({
      name: 'loyalty_connector_lag',
      help: 'Public events not yet delivered (or skipped) by each destination, as of its last batch per partition.',
      labelNames: ['destination'],
      registers,
      collect() {
        this.reset();
        for (const [destination, partitions] of lags) this.set({ destination }, [...partitions.values()].reduce((a, b) => a + b, 0));
      },
    });
  }

  feedPublished(n: number): void {
    this.published.inc(n);
  }

  sent(destination: string, events: number): void {
    this.sentTotal.inc({ destination }, events);
  }

  failed(destination: string, events: number, cause: string): void {
    this.failedTotal.inc({ destination, cause }, events);
  }

  retried(destination: string, cause: string): void {
    this.retriedTotal.inc({ destination, cause });
  }

  waited(destination: string, ms: number): void {
    if (ms > 0) this.waitedSeconds.inc({ destination }, ms / 1000);
  }

  request(destination: string, seconds: number, status: string): void {
    this.requestSeconds.observe({ destination, status }, seconds);
  }

  lag(destination: string, partition: number, lag: number): void {
    let partitions = this.lagByPartition.get(destination);
    if (partitions === undefined) this.lagByPartition.set(destination, (partitions = new Map()));
    partitions.set(partition, lag);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
