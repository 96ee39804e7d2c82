// The consumers the harness runs itself (Kafka raw consume, the naive projector) fetch as the
// projector's LedgerBatchConsumer does (4 MiB per partition, 64 KiB / 100 ms minimum fetch), each in
// a consumer group of its own, so only their handlers differ; and both time their drain from the
// group join (see ./drain), which kafkajs reports as GROUP_JOIN.
import { type Consumer, Kafka, logLevel } from 'kafkajs';

export interface DrainConsumer {
  readonly consumer: Consumer;
  /** performance.now() at the group join (joined and synced, right before the first fetch); undefined before it. */
  joinedAt(): number | undefined;
  /** Disconnects the consumer, then releases `alsoRelease`; once, whoever calls it first (the phase or the cleanup). */
  stop(): Promise<void>;
}

export function drainConsumer(brokers: readonly string[], clientId: string, groupId: string, alsoRelease: () => Promise<unknown> = () => Promise.resolve()): DrainConsumer {
  const kafka = new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.ERROR, connectionTimeout: 2_000 });
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxBytesPerPartition: 4 * 1024 * 1024, minBytes: 64 * 1024, maxWaitTimeInMs: 100 });
  let joinedAt: number | undefined;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinedAt ??= performance.now();
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await consumer.disconnect().catch(() => undefined);
    await alsoRelease().catch(() => undefined);
  };
  return { consumer, joinedAt: () => joinedAt, stop };
}
