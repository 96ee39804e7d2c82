// Stands in for ingestion on the rules command topic during the daily run: a plain kafkajs consumer
// in the group the rules service waits for (its RULES_INGESTION_GROUP), which reads every command,
// counts it by type and commits it, and decides nothing. So the daily run measured with it is the
// rules side only: ingestion's decisions (locking the member, appending PointsActivated and
// PointsExpired, which the rules service would then fold back before the day's second half) are
// not in it.
import { Kafka, logLevel } from 'kafkajs';
import { type RegisterCleanup } from '../shared/cleanup';

export interface IngestionStub {
  /** Commands read and committed, by type (`activate-points`, `expire-points`, `grant-offer`). */
  readonly counts: ReadonlyMap<string, number>;
  /** Commands that were not JSON with a `type` (counted, and committed like the rest). */
  readonly malformed: () => number;
  /** performance.now() of the last commit. */
  readonly lastCommitAt: () => number | undefined;
  stop(): Promise<void>;
}

const JOIN_TIMEOUT_MS = 60_000;

/** Connects, joins `groupId` on `topic` and resolves once the group is joined (fetching starts). */
export async function startIngestionStub(brokers: readonly string[], topic: string, groupId: string, registerCleanup: RegisterCleanup): Promise<IngestionStub> {
  const kafka = new Kafka({ clientId: 'bench-ingestion-stub', brokers: [...brokers], logLevel: logLevel.ERROR, connectionTimeout: 2_000 });
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxBytesPerPartition: 4 * 1024 * 1024, maxWaitTimeInMs: 100 });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await consumer.disconnect().catch(() => undefined);
  };
  registerCleanup(`stop the ingestion stand-in (group ${groupId})`, stop);

  const counts = new Map<string, number>();
  let malformed = 0;
  let lastCommitAt: number | undefined;
  const joined = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ingestion stand-in did not join ${groupId} within ${JOIN_TIMEOUT_MS / 1000} s`)), JOIN_TIMEOUT_MS);
    consumer.on(consumer.events.GROUP_JOIN, () => {
      clearTimeout(timer);
      resolve();
    });
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 12,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (const message of batch.messages) {
        let type: string | undefined;
        try {
          const parsed = JSON.parse(message.value?.toString('utf8') ?? '') as { type?: unknown };
          type = typeof parsed.type === 'string' ? parsed.type : undefined;
        } catch {
          type = undefined;
        }
        if (type === undefined) malformed += 1;
        else counts.set(type, (counts.get(type) ?? 0) + 1);
        resolveOffset(message.offset);
      }
      const last = batch.messages.at(-1);
      if (last !== undefined) {
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
        lastCommitAt = performance.now();
      }
      await heartbeat();
    },
  });
  try {
    await joined;
  } catch (error) {
    await stop();
    throw error;
  }
  return { counts, malformed: () => malformed, lastCommitAt: () => lastCommitAt, stop };
}
