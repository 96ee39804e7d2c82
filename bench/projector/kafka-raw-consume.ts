// The Kafka ceiling the projector works under: how fast a plain kafkajs consumer drains the backlog
// when its handler does nothing (no decoding, no database). Same fetch settings as the projector's
// LedgerBatchConsumer (4 MiB per partition, 64 KiB / 100 ms minimum fetch, 16 partitions handed
// over concurrently) and a consumer group of its own, deleted afterwards. Timed from the group join
// (kafkajs's GROUP_JOIN event) to the last message.
import { type RegisterCleanup } from '../shared/cleanup';
import { type DrainResult, drainTimes, raceDrain } from './drain';
import { drainConsumer } from './drain-consumer';
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
  const { consumer, joinedAt, stop } = drainConsumer(spec.brokers, 'bench-raw-consume', spec.groupId);
  registerCleanup(`stop consumer ${spec.groupId}`, stop);

  const total = totalOf(spec.endOffsets);
  const started = performance.now();
  let consumed = 0;
  let firstAt: number | undefined;
  let lastAt: number | undefined;
  let finish: (() => void) | undefined;
  const drained = new Promise<void>((resolve) => (finish = resolve));
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
    const error = await raceDrain(drained, () => ({ progressAt: lastAt ?? joinedAt() ?? started, started }), spec.timeoutS, spec.stallS);
    return {
      events: consumed,
      ...drainTimes(started, joinedAt(), firstAt, lastAt ?? performance.now()),
      error: error ?? (joinedAt() === undefined ? 'the consumer never reported joining its group' : consumed < total ? `consumed ${consumed} of ${total} events` : undefined),
    };
  } finally {
    await stop();
  }
}
