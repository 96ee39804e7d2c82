// The Kafka ceiling the projector works under: how fast a plain kafkajs consumer drains the backlog
// when its handler does nothing (no decoding, no database). Same fetch settings as the projector's
// LedgerBatchConsumer (4 MiB per partition, 64 KiB / 100 ms minimum fetch, 16 partitions handed
// over concurrently) and a consumer group of its own, deleted afterwards. Timed from the group join
// (kafkajs's GROUP_JOIN event) to the last message.
import { Kafka, logLevel } from 'kafkajs';
import { type DrainResult, raceDrain } from './drain';
import { type RegisterCleanup } from './register-cleanup';
import { type EndOffsets, totalOf } from './throwaway-kafka';

export interface KafkaRawConsumeSpec {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly groupId: string;
  readonly endOffsets: EndOffsets;
  readonly timeoutS: number;
  readonly stallS: number;
}

export async function measureKafkaRawConsume(spec: KafkaRawConsumeSpec, registerCleanup: RegisterCleanup): Promise<DrainResult> {
  const kafka = new Kafka({ clientId: 'bench-raw-consume', brokers: [...spec.brokers], logLevel: logLevel.ERROR, connectionTimeout: 2_000 });
  const consumer = kafka.consumer({ groupId: spec.groupId, allowAutoTopicCreation: false, maxBytesPerPartition: 4 * 1024 * 1024, minBytes: 64 * 1024, maxWaitTimeInMs: 100 });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await consumer.disconnect().catch(() => undefined);
  };
  registerCleanup(`stop consumer ${spec.groupId}`, stop);

  const total = totalOf(spec.endOffsets);
  const started = performance.now();
  let consumed = 0;
  let joinedAt: number | undefined;
  let firstAt: number | undefined;
  let lastAt: number | undefined;
  let finish: (() => void) | undefined;
  const drained = new Promise<void>((resolve) => (finish = resolve));
  // Emitted once the group is joined and synced, right before the first fetch.
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinedAt ??= performance.now();
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 16,
      eachBatch: ({ batch }) => {
        consumed += batch.messages.length;
        lastAt = performance.now();
        firstAt ??= lastAt;
        if (consumed >= total) finish?.();
        return Promise.resolve();
      },
    });
    console.error(`[bench] kafka raw consume: draining ${total.toLocaleString('en-US')} events from ${spec.topic}`);
    const error = await raceDrain(drained, () => ({ progressAt: lastAt ?? joinedAt ?? started, started }), spec.timeoutS, spec.stallS);
    const from = joinedAt ?? started;
    const endAt = lastAt ?? performance.now();
    return {
      events: consumed,
      durationS: (endAt - from) / 1_000,
      startupS: (from - started) / 1_000,
      firstProgressS: firstAt === undefined ? undefined : (firstAt - from) / 1_000,
      error: error ?? (joinedAt === undefined ? 'the consumer never reported joining its group' : consumed < total ? `consumed ${consumed} of ${total} events` : undefined),
    };
  } finally {
    await stop();
  }
}
