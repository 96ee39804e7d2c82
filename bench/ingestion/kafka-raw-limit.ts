// The ceiling ingestion works under: how many messages/s a plain kafkajs producer gets acknowledged
// on this machine with ingestion's durability settings (idempotent, acks=-1, one request in
// flight, no compression), on a throwaway 3-partition topic. Ingestion's rates are reported as a
// fraction of it, which travels between machines better than the absolute numbers.
import { randomBytes } from 'node:crypto';
import { CompressionTypes, Kafka, Partitioners, logLevel, type Message } from 'kafkajs';
import { memberKey } from '@loyalty/domain';
import { percentile } from './percentile';
import { benchMemberId } from './purchase-factory';

export interface KafkaRawSpec {
  readonly brokers: readonly string[];
  readonly runId: string;
  readonly tenantId: string;
  readonly warmupS: number;
  readonly durationS: number;
  readonly batchSize: number;
  readonly concurrency: number;
}

export interface KafkaRawResult {
  readonly topic: string;
  readonly durationS: number;
  readonly messages: number;
  readonly failedSends: number;
  readonly firstError: string | undefined;
  /** Latency of one whole send (batchSize messages), not of a message. */
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Close to a PointsEarned value in Avro (~400 bytes); random so it is not trivially compressible. */
const VALUE_BYTES = 400;
const VALUE_POOL = Array.from({ length: 64 }, () => randomBytes(VALUE_BYTES));

interface Window {
  messages: number;
  failedSends: number;
  firstError: string | undefined;
  latencies: number[];
}

export async function measureKafkaRawLimit(spec: KafkaRawSpec, registerCleanup: (name: string, fn: () => Promise<void>) => void): Promise<KafkaRawResult> {
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

    const run = async (seconds: number): Promise<Window & { durationS: number }> => {
      const window: Window = { messages: 0, failedSends: 0, firstError: undefined, latencies: [] };
      const started = Date.now();
      const end = started + seconds * 1_000;
      const worker = async () => {
        while (Date.now() < end) {
          const messages = nextMessages();
          const sentAt = performance.now();
          try {
            await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
            window.messages += messages.length;
            window.latencies.push(performance.now() - sentAt);
          } catch (error) {
            window.failedSends += 1;
            window.firstError ??= error instanceof Error ? error.message : String(error);
            // A broken broker fails every send at once; no point spinning until the deadline.
            if (window.failedSends > 20) return;
          }
        }
      };
      await Promise.all(Array.from({ length: spec.concurrency }, worker));
      return { ...window, durationS: (Date.now() - started) / 1_000 };
    };

    console.error(`[bench] kafka raw limit: warm-up ${spec.warmupS} s on ${topic}`);
    await run(spec.warmupS);
    console.error(`[bench] kafka raw limit: measuring ${spec.durationS} s (batches of ${spec.batchSize}, ${spec.concurrency} sends queued)`);
    const measured = await run(spec.durationS);
    const sorted = [...measured.latencies].sort((a, b) => a - b);
    return {
      topic,
      durationS: measured.durationS,
      messages: measured.messages,
      failedSends: measured.failedSends,
      firstError: measured.firstError,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
    };
  } finally {
    await teardown();
  }
}
