import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type LedgerTopology } from '@loyalty/kafka';
import { type Admin, type Kafka } from 'kafkajs';
import { PROJECTOR_GROUP, PROJECTOR_KAFKA, PROJECTOR_TOPOLOGY } from '../ledger/ledger-projector.consumer';
import { ConsumerLag } from './consumer-lag';

/** Two small admin requests per interval, whatever the event rate. */
export const LAG_POLL_INTERVAL_MS = 5_000;

/**
 * Refreshes the lag positions from the broker every few seconds: the partitions' high watermarks
 * and the group's committed offsets. Fetches alone would leave the lag stale exactly when it
 * matters: before the first batch, and when the consumer is stuck or has crashed while events
 * keep arriving. Committed offsets trail the offsets stored in Postgres by at most one commit,
 * and a fetch's fresher value wins (see ConsumerLag).
 */
@Injectable()
export class ConsumerLagPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConsumerLagPoller.name);
  private admin: Admin | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private failing = false;

  constructor(
    @Inject(PROJECTOR_KAFKA) private readonly kafka: Kafka,
    @Inject(PROJECTOR_TOPOLOGY) private readonly topology: LedgerTopology,
    @Inject(PROJECTOR_GROUP) private readonly groupId: string,
    private readonly lag: ConsumerLag,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.poll(), LAG_POLL_INTERVAL_MS);
    this.timer.unref();
    void this.poll();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
    await this.disconnect();
  }

  /** One refresh; a slow broker never piles up requests, since a poll in flight is reused. */
  private poll(): Promise<void> {
    this.polling ??= this.refresh().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async refresh(): Promise<void> {
    const topic = this.topology.topic;
    try {
      if (this.admin === undefined) {
        this.admin = this.kafka.admin();
        await this.admin.connect();
      }
      const [ends, committed] = await Promise.all([this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId: this.groupId, topics: [topic] })]);
      const low = new Map(ends.map((e) => [e.partition, e.low]));
      for (const end of ends) this.lag.observeHighWatermark(end.partition, end.high);
      for (const { partition, offset } of committed.find((c) => c.topic === topic)?.partitions ?? []) {
        // Nothing committed yet (-1): the group starts from the beginning, i.e. the low watermark.
        const next = offset === '-1' ? low.get(partition) : offset;
        if (next !== undefined) this.lag.observeNextOffset(partition, next);
      }
      if (this.failing) this.logger.log('consumer lag measurable again');
      this.failing = false;
    } catch (error) {
      // Said once per outage, not every interval; the Kafka health check reports it meanwhile.
      if (!this.failing) this.logger.warn(`cannot refresh the consumer lag: ${(error as Error).message}`);
      this.failing = true;
      await this.disconnect();
    }
  }

  private async disconnect(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
