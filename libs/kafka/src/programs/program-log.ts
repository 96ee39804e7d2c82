import { type KafkaConfig } from '@loyalty/config';
import { type ProgramConfigured } from '@loyalty/domain';
import { type Kafka } from 'kafkajs';
import { AvroRecordCodec } from '../codec/ledger-event.codec';
import { ConfluentSchemaRegistry } from '../registry/schema-registry';
import { assembleValueSchema } from '../schemas/avro-schema';
import { PROGRAMS_TOPIC, findTopic, loadTopicCatalog, prefixed, schemasDir } from '../topics/topic-catalog';

/**
 * The program log (`loyalty.programs.v1`): every version of every tenant's program, as events.
 * Small (a few versions per tenant), so it is read whole, by partition, up to its end.
 */
export class ProgramLog {
  private readonly topic: string;
  private readonly codec: AvroRecordCodec;

  constructor(
    private readonly kafka: Kafka,
    config: KafkaConfig,
  ) {
    const dir = schemasDir();
    const value = findTopic(loadTopicCatalog(dir), PROGRAMS_TOPIC).value;
    if (value === null) throw new Error(`${PROGRAMS_TOPIC} has no value schema in schemas/topics.json`);
    this.topic = prefixed(config.KAFKA_TOPIC_PREFIX, PROGRAMS_TOPIC);
    this.codec = new AvroRecordCodec(new ConfluentSchemaRegistry(config.SCHEMA_REGISTRY_URL), prefixed(config.KAFKA_TOPIC_PREFIX, value.subject), assembleValueSchema(dir, value));
  }

  async publish(events: readonly ProgramConfigured[]): Promise<void> {
    if (events.length === 0) return;
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const messages = await Promise.all(events.map(async (e) => ({ key: e.tenantId, value: await this.codec.encodeRecord(e), headers: { 'event-id': e.eventId } })));
      await producer.send({ topic: this.topic, acks: -1, messages });
    } finally {
      await producer.disconnect();
    }
  }

  /** Everything published so far, in each tenant's order. An undecodable message fails the read. */
  async readAll(): Promise<ProgramConfigured[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(this.topic).finally(() => admin.disconnect());
    const open = new Set(ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => p.partition));
    const events: ProgramConfigured[] = [];
    if (open.size === 0) return events;
    const endOf = new Map(ends.map((p) => [p.partition, BigInt(p.high)]));
    // A throwaway group (kafkajs needs one to subscribe), deleted after the read.
    const groupId = `programs-reader-${process.pid}-${Date.now()}`;
    const consumer = this.kafka.consumer({ groupId });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              if (!open.has(partition)) return;
              const decoded = await this.codec.decodeRecord(message.value);
              if (!decoded.ok) throw new Error(`${this.topic} ${partition}/${message.offset}: ${decoded.reason}`);
              events.push(decoded.record as ProgramConfigured);
              if (BigInt(message.offset) + 1n >= (endOf.get(partition) ?? 0n)) open.delete(partition);
              if (open.size === 0) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
      const cleanup = this.kafka.admin();
      await cleanup.connect();
      await cleanup.deleteGroups([groupId]).catch(() => undefined);
      await cleanup.disconnect();
    }
    return events;
  }
}
