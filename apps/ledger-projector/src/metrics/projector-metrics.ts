// prom-client directly rather than @willsoto/nestjs-prometheus: prom-client is already a pinned
// dependency, and five metrics with one scrape endpoint need no module, per-metric injection
// tokens or the process-global registry it builds on. An own Registry keeps the service's metrics
// explicit and lets specs create as many as they like.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, prometheusContentType } from 'prom-client';
import { type ConsumerLag } from './consumer-lag';

/** What one projector transaction (the batches of one fetch, applied together) did. */
export interface AppliedTransaction {
  /** Events handed to the transaction, redeliveries and duplicates included. */
  readonly events: number;
  /** Events that changed the projection. */
  readonly applied: number;
  readonly durationSeconds: number;
}

/**
 * The projector's Prometheus metrics. Everything is recorded once per transaction or computed at
 * scrape time (the lag), never per event. Labels are the topic and partition only: no tenant or
 * member data leaves through /metrics, which is unauthenticated.
 */
export class ProjectorMetrics {
  readonly contentType = prometheusContentType;
  private readonly registry = new Registry();
  private readonly applied: Counter<'topic'>;
  private readonly skipped: Counter<'topic'>;
  private readonly batchSize: Histogram;
  private readonly applyDuration: Histogram;

  constructor(
    private readonly topic: string,
    lag: ConsumerLag,
  ) {
    // Unprefixed on purpose (process_*, nodejs_*): these names are the same for every Node service,
    // which is what shared dashboards and alerts expect.
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.applied = new Counter({ name: 'loyalty_projector_events_applied_total', help: 'Ledger events that changed the projection.', labelNames: ['topic'], registers });
    this.skipped = new Counter({
      name: 'loyalty_projector_events_skipped_total',
      help: 'Ledger events received that changed nothing: redeliveries below the stored offset, duplicate event ids, and events the projection does not (yet) record.',
      labelNames: ['topic'],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'loyalty_projector_batch_size',
      help: 'Events per applied Postgres transaction (the batches of all partitions of one fetch).',
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000],
      registers,
    });
    this.applyDuration = new Histogram({
      name: 'loyalty_projector_apply_duration_seconds',
      help: 'Time to apply one transaction in Postgres, commit included.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: 'loyalty_projector_consumer_lag',
      help: "Events still to apply per partition assigned to this instance: the partition's high watermark minus the next offset to apply.",
      labelNames: ['topic', 'partition'],
      registers,
      // Computed when scraped: a partition reassigned to another instance disappears from here.
      collect() {
        this.reset();
        for (const [partition, value] of lag.byPartition() ?? []) this.set({ topic, partition: String(partition) }, value);
      },
    });
    // Series exist from the start, so rate() and absent() work before the first event.
    this.applied.inc({ topic }, 0);
    this.skipped.inc({ topic }, 0);
  }

  transactionApplied(transaction: AppliedTransaction): void {
    this.applied.inc({ topic: this.topic }, transaction.applied);
    this.skipped.inc({ topic: this.topic }, Math.max(0, transaction.events - transaction.applied));
    this.batchSize.observe(transaction.events);
    this.applyDuration.observe(transaction.durationSeconds);
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
