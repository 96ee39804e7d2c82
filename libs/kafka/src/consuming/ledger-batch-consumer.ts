import { type Consumer, type EachBatchPayload, type Kafka, Partitioners, type Producer } from 'kafkajs';
import { type LedgerEvent } from '@loyalty/domain';
import { type LedgerEventCodec } from '../codec/ledger-event.codec';

export interface ConsumedEvent {
  readonly offset: string;
  readonly event: LedgerEvent;
}

/** The decoded events of one fetched batch of one partition. */
export interface LedgerBatch {
  readonly topic: string;
  readonly partition: number;
  readonly events: readonly ConsumedEvent[];
  /** The offset of the fetch's first message (dead letters included): where this batch starts. */
  readonly firstOffset: string;
  /** The offset to resume from once this batch is applied: last offset + 1, dead letters included. */
  readonly nextOffset: string;
}

/**
 * Applies a batch atomically, together with `nextOffset`, or throws (the batch is then redelivered).
 * It must skip events at offsets it already applied: delivery is at least once. When the batch
 * starts past what the handler has applied (its stored offsets went back: a rollback to a kept
 * version), it applies nothing and answers where to resume: the consumer seeks there.
 */
export type LedgerBatchHandler = (batch: LedgerBatch) => Promise<void | { readonly seekTo: string }>;

export interface ConsumerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Where a partition stands once a batch is applied. Offsets are Kafka's decimal strings. */
export interface PartitionProgress {
  readonly topic: string;
  readonly partition: number;
  /** The partition's end (the offset the next produced message gets), as the broker sent it with the fetch. */
  readonly highWatermark: string;
  /** The next offset to apply, now stored by the handler. */
  readonly nextOffset: string;
}

/**
 * Optional hooks for metrics, fed from what consuming learns anyway (no extra request, nothing per
 * message). They run on the consuming path, so they must be cheap; what they throw is logged and
 * swallowed, since metrics must never stop consumption.
 */
export interface LedgerConsumerObserver {
  batchApplied?(progress: PartitionProgress): void;
  /** After each rebalance: the partitions of the topic now assigned to this consumer (maybe none). */
  partitionsAssigned?(topic: string, partitions: readonly number[]): void;
}

export interface LedgerBatchConsumerOptions {
  readonly groupId: string;
  readonly topic: string;
  readonly deadLetterTopic: string;
  /** Partitions handed to the handler at once (never two batches of one partition). Default 1. */
  readonly partitionsConsumedConcurrently?: number;
  readonly observer?: LedgerConsumerObserver;
}

/**
 * Consumes the ledger in batches. Undecodable messages go to the dead-letter topic with the reason
 * and the original bytes, so one bad message never stops the pipeline. Offsets are the handler's to
 * store (in its own transaction); the Kafka commit afterwards only shortens redelivery on restart.
 */
export class LedgerBatchConsumer {
  private readonly consumer: Consumer;
  private readonly deadLetters: Producer;
  private crashed: Error | undefined;

  constructor(
    kafka: Kafka,
    private readonly codec: LedgerEventCodec,
    private readonly options: LedgerBatchConsumerOptions,
    private readonly handle: LedgerBatchHandler,
    private readonly logger: ConsumerLogger,
  ) {
    // Fetches wait for 64 KiB or 100 ms: under load a batch carries hundreds of events (one
    // Postgres transaction each), and an idle broker is not polled into busy-looping.
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 4 * 1024 * 1024,
      minBytes: 64 * 1024,
      maxWaitTimeInMs: 100,
    });
    this.deadLetters = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    // Listeners once, here: `start` may be retried.
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.logger.warn({ error: payload.error.message, restart: payload.restart }, payload.restart ? 'the consumer crashed; kafkajs restarts it' : 'the consumer crashed and stopped');
      if (!payload.restart) this.crashed = payload.error;
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) =>
      this.observe((o) => o.partitionsAssigned?.(this.options.topic, payload.memberAssignment[this.options.topic] ?? [])),
    );
  }

  /** Why the consumer stopped for good (kafkajs gave up restarting it), if it did. */
  failure(): Error | undefined {
    return this.crashed;
  }

  async start(): Promise<void> {
    await this.deadLetters.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.deadLetters.disconnect();
  }

  private async onBatch({ batch, heartbeat, resolveOffset }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const events: ConsumedEvent[] = [];
    const poison: { offset: string; key: Buffer | null; value: Buffer | null; reason: string }[] = [];
    for (const message of batch.messages) {
      const decoded = await this.codec.decode(message.value);
      if (decoded.ok) events.push({ offset: message.offset, event: decoded.event });
      else poison.push({ offset: message.offset, key: message.key, value: message.value, reason: decoded.reason });
    }
    if (poison.length > 0) await this.sendToDeadLetters(batch.topic, batch.partition, poison);

    const nextOffset = (BigInt(batch.lastOffset()) + 1n).toString();
    const outcome = await this.handle({ topic: batch.topic, partition: batch.partition, events, firstOffset: batch.firstOffset() ?? batch.messages[0]?.offset ?? nextOffset, nextOffset });
    if (outcome !== undefined) {
      // Nothing of this batch was applied: fetch again from where the stored offsets stand.
      this.logger.warn({ topic: batch.topic, partition: batch.partition, from: outcome.seekTo, fetchedFrom: batch.firstOffset() }, 'the stored offset is behind this fetch; seeking back');
      this.consumer.seek({ topic: batch.topic, partition: batch.partition, offset: outcome.seekTo });
      return;
    }
    this.observe((o) => o.batchApplied?.({ topic: batch.topic, partition: batch.partition, highWatermark: batch.highWatermark, nextOffset }));
    resolveOffset(batch.lastOffset());
    await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: nextOffset }]);
    await heartbeat();
  }

  private observe(notify: (observer: LedgerConsumerObserver) => void): void {
    if (this.options.observer === undefined) return;
    try {
      notify(this.options.observer);
    } catch (error) {
      this.logger.warn({ error: String(error) }, 'a consumer observer failed');
    }
  }

  private async sendToDeadLetters(
    topic: string,
    partition: number,
    messages: readonly { offset: string; key: Buffer | null; value: Buffer | null; reason: string }[],
  ): Promise<void> {
    for (const m of messages) {
      this.logger.warn({ topic, partition, offset: m.offset, reason: m.reason }, 'dead-lettering an undecodable message');
    }
    await this.deadLetters.send({
      topic: this.options.deadLetterTopic,
      acks: -1,
      messages: messages.map((m) => ({
        key: m.key,
        value: m.value,
        headers: {
          'dlq-reason': m.reason,
          'dlq-source-topic': topic,
          'dlq-source-partition': String(partition),
          'dlq-source-offset': m.offset,
          'dlq-consumer-group': this.options.groupId,
        },
      })),
    });
  }
}
