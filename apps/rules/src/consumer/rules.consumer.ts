import { Logger } from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { type Kysely } from 'kysely';
import { type RulesDatabase } from '@loyalty/db';
import { type LedgerBatch, LedgerBatchConsumer, type LedgerConsumerObserver, type LedgerTopology } from '@loyalty/kafka';
import { type ApplyRulesDeps, applyRulesBatch } from './apply-rules-batch';
import { applyOneByOne } from './apply-one-by-one';

/**
 * Consumes the ledger into the rules state, one partition batch per transaction. `onApplied` hears of every
 * batch (metrics; a batch that queued decisions wakes the outbox relay).
 */
export class RulesConsumer {
  private readonly logger = new Logger(RulesConsumer.name);
  private readonly consumer: LedgerBatchConsumer;

  constructor(
    kafka: Kafka,
    topology: LedgerTopology,
    readonly groupId: string,
    db: Kysely<RulesDatabase>,
    deps: ApplyRulesDeps,
    onApplied: (result: { applied: number; queued: boolean }) => void,
    options: { mode: 'batched' | 'naive'; observer?: LedgerConsumerObserver } = { mode: 'batched' },
  ) {
    const { observer } = options;
    const apply = options.mode === 'batched' ? (batch: LedgerBatch) => applyRulesBatch(db, groupId, batch, deps) : (batch: LedgerBatch) => applyOneByOne(db, groupId, batch, deps);
    this.consumer = new LedgerBatchConsumer(
      kafka,
      topology.codec,
      { groupId, topic: topology.topic, deadLetterTopic: topology.deadLetterTopic, partitionsConsumedConcurrently: 4, ...(observer === undefined ? {} : { observer }) },
      async (batch) => {
        const result = await apply(batch);
        onApplied(result);
        return result.seekTo === undefined ? undefined : { seekTo: result.seekTo };
      },
      { info: (o, m) => this.logger.log(`${m} ${JSON.stringify(o)}`), warn: (o, m) => this.logger.warn(`${m} ${JSON.stringify(o)}`) },
    );
  }

  async start(): Promise<void> {
    await this.consumer.start();
  }

  /** False once the consumer stopped for good; /health then answers down. */
  healthy(): boolean {
    return this.consumer.failure() === undefined;
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
  }
}
