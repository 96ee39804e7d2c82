import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Kysely } from 'kysely';
import { type Database } from '@loyalty/db';
import { type LedgerBatch, LedgerBatchConsumer, type LedgerTopology } from '@loyalty/kafka';
import { type Kafka } from 'kafkajs';
import { DATABASE } from '../database.provider';
import { ConsumerLag } from '../metrics/consumer-lag';
import { ProjectorMetrics } from '../metrics/projector-metrics';
import { applyLedgerBatches } from './apply-ledger-batch';
import { BatchCoalescer } from './batch-coalescer';

export const PROJECTOR_KAFKA = Symbol('ProjectorKafka');
export const PROJECTOR_TOPOLOGY = Symbol('ProjectorTopology');
export const PROJECTOR_GROUP = Symbol('ProjectorGroup');

/** Runs the ledger consumer for the life of the service; each batch goes to applyLedgerBatch. */
@Injectable()
export class LedgerProjectorConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LedgerProjectorConsumer.name);
  private readonly consumer: LedgerBatchConsumer;
  private running = false;

  constructor(
    @Inject(PROJECTOR_KAFKA) kafka: Kafka,
    @Inject(PROJECTOR_TOPOLOGY) topology: LedgerTopology,
    @Inject(PROJECTOR_GROUP) private readonly groupId: string,
    @Inject(DATABASE) db: Kysely<Database>,
    metrics: ProjectorMetrics,
    lag: ConsumerLag,
  ) {
    // The partitions of one fetch arrive together; they are applied in one transaction.
    // A batch that starts past the stored offset is not applied; its consumer seeks back there.
    const seekBack = new WeakMap<LedgerBatch, string>();
    const coalescer = new BatchCoalescer<LedgerBatch>(async (batches) => {
      const started = performance.now();
      const { applied, gaps } = await applyLedgerBatches(db, groupId, batches);
      for (const gap of gaps) {
        const batch = batches.find((b) => b.topic === gap.topic && b.partition === gap.partition);
        if (batch !== undefined) seekBack.set(batch, gap.from);
      }
      metrics.transactionApplied({ events: batches.reduce((n, b) => n + b.events.length, 0), applied, durationSeconds: (performance.now() - started) / 1_000 });
      this.logger.debug(`applied ${applied} events from ${batches.length} partitions`);
    }, 2);
    this.consumer = new LedgerBatchConsumer(
      kafka,
      topology.codec,
      { groupId, topic: topology.topic, deadLetterTopic: topology.deadLetterTopic, partitionsConsumedConcurrently: 16, observer: lag },
      async (batch) => {
        await coalescer.add(batch);
        const from = seekBack.get(batch);
        return from === undefined ? undefined : { seekTo: from };
      },
      { info: (o, m) => this.logger.log(`${m} ${JSON.stringify(o)}`), warn: (o, m) => this.logger.warn(`${m} ${JSON.stringify(o)}`) },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
    this.running = true;
    this.logger.log(`consuming the ledger as group ${this.groupId}`);
  }

  isRunning(): boolean {
    return this.running && this.consumer.failure() === undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.consumer.stop();
  }
}
