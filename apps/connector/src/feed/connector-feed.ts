import { Logger } from '@nestjs/common';
import { type ConnectorDatabase } from '@loyalty/db';
import { type ConnectorEvent } from '@loyalty/domain';
import { type ConnectorTopology, LedgerBatchConsumer, type LedgerConsumerObserver, type LedgerTopology } from '@loyalty/kafka';
import { type ProgramCatalog } from '@loyalty/programs';
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import { type Kysely } from 'kysely';
import { applyFeedBatch } from './apply-feed-batch';

/** Messages per produce request (about 1 KiB each, far under the broker's 1 MiB record-batch limit). */
const PUBLISH_SLICE = 500;

/**
 * The connector's first stage: the ledger in, the public connector topic out (one public event per
 * ledger event subscribers care about, keyed by member like the ledger, so each member's events
 * keep their order).
 */
export class ConnectorFeed {
  private readonly logger = new Logger(ConnectorFeed.name);
  private readonly consumer: LedgerBatchConsumer;
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    ledger: LedgerTopology,
    publicTopic: ConnectorTopology,
    readonly groupId: string,
    db: Kysely<ConnectorDatabase>,
    programs: ProgramCatalog,
    onPublished: (count: number) => void,
    observer?: LedgerConsumerObserver,
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    const publish = async (events: readonly ConnectorEvent[]) => {
      if (events.length === 0) return;
      const messages = await Promise.all(
        events.map(async (e) => ({ key: `${e.tenantId}|${e.memberId}`, value: await publicTopic.codec.encodeRecord(e), headers: { 'event-id': e.eventId, 'event-type': e.type } })),
      );
      // In slices: one partition's batch can hold thousands of events, more than a broker takes in one record batch.
      for (let i = 0; i < messages.length; i += PUBLISH_SLICE) await this.producer.send({ topic: publicTopic.topic, acks: -1, messages: messages.slice(i, i + PUBLISH_SLICE) });
    };
    this.consumer = new LedgerBatchConsumer(
      kafka,
      ledger.codec,
      { groupId, topic: ledger.topic, deadLetterTopic: ledger.deadLetterTopic, partitionsConsumedConcurrently: 4, ...(observer === undefined ? {} : { observer }) },
      async (batch) => {
        const result = await applyFeedBatch(db, groupId, batch, { programs, publish });
        onPublished(result.published);
        return result.seekTo === undefined ? undefined : { seekTo: result.seekTo };
      },
      { info: (o, m) => this.logger.log(`${m} ${JSON.stringify(o)}`), warn: (o, m) => this.logger.warn(`${m} ${JSON.stringify(o)}`) },
    );
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.start();
  }

  healthy(): boolean {
    return this.consumer.failure() === undefined;
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.producer.disconnect();
  }
}
