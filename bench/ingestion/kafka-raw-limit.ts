// The ceiling ingestion works under: how many messages/s a plain kafkajs producer gets acknowledged
// on this machine with ingestion's durability settings (idempotent, acks=-1, one request in
// flight, no compression), on a throwaway 3-partition topic. Ingestion's rates are reported as a
// fraction of it, which travels between machines better than the absolute numbers.
import { randomBytes } from 'node:crypto';
import { CompressionTypes, Kafka, Partitioners, logLevel, type Message } from 'kafkajs';
import { memberKey } from '@loyalty/domain';
import { type RegisterCleanup } from '../shared/cleanup';
import { benchMemberId } from '../shared/purchase-factory';
import { type TimedWritesResult, measureTimedWrites } from '../shared/timed-writes';

export interface KafkaRawSpec {
  readonly brokers: readonly string[];
  readonly runId: string;
  readonly tenantId: string;
  readonly warmupS: number;
  readonly durationS: number;
  readonly batchSize: number;
  readonly concurrency: number;
}

/** `units` are messages and `failures` sends (of batchSize messages each, as is the latency). */
export interface KafkaRawResult extends TimedWritesResult {
  readonly topic: string;
}

/** Close to a PointsEarned value in Avro (~400 bytes); random so it is not trivially compressible. */
const VALUE_BYTES = 400;
const VALUE_POOL = Array.from({ length: 64 }, () => randomBytes(VALUE_BYTES));

export async function measureKafkaRawLimit(spec: KafkaRawSpec, registerCleanup: RegisterCleanup): Promise<KafkaRawResult> {
  const kafka = new Kafka({ clientId: `bench-raw-${spec.runId}`, brokers: [...spec.brokers], logLevel: logLevel.ERROR, connectionTimeout: 2_000 });
  const topic = `bench.kafka-raw.${spec.runId}`;
  const admin = kafka.admin();
  await admin.connect();
  let sequence = 0;
  const nextMessages = (): Message[] =>
    Array.from({ length: spec.batchSize }, () => {
      sequence += 1;
      // Ingestion's key (tenant|member), so messages spread over partitions as its events do.
      return { key: memberKey(spec.tenantId, benchMemberId(sequence)), value: VALUE_POOL[sequence % VALUE_POOL.length] ?? null };
    });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  let deleted = false;
  const teardown = async () => {
    await producer.disconnect().catch(() => undefined);
    if (!deleted) {
      deleted = true;
      await admin.deleteTopics({ topics: [topic], timeout: 10_000 }).catch((e: unknown) => console.error(`[bench] could not delete ${topic}: ${String(e)}`));
    }
    await admin.disconnect().catch(() => undefined);
  };
  // Registered before the topic exists: an interrupted run must not leave it behind.
  registerCleanup(`delete topic ${topic}`, teardown);
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    await producer.connect();
    const measured = await measureTimedWrites({
      title: 'kafka raw limit',
      target: topic,
      shape: `(batches of ${spec.batchSize}, ${spec.concurrency} sends queued)`,
      warmupS: spec.warmupS,
      durationS: spec.durationS,
      // Sends queued at once on the one producer.
      workers: Array.from({ length: spec.concurrency }, () => producer),
      next: nextMessages,
      write: async (sender, messages) => {
        await sender.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
        return messages.length;
      },
    });
    return { ...measured, topic };
  } finally {
    await teardown();
  }
}
