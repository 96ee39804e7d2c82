import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Consumer, type EachBatchPayload, type Kafka, type KafkaMessage, Partitioners, type Producer } from 'kafkajs';
import { COMMAND_PIPELINE, type CommandPipeline } from '../pipeline/command-pipeline';
import { parseStorefrontMessage } from './storefront-message';

export const STOREFRONT_INPUT = Symbol('StorefrontInputSettings');

export interface StorefrontInputSettings {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly groupId: string;
}

interface DeadLetter {
  readonly message: KafkaMessage;
  readonly reason: string;
  readonly code: string;
}

/**
 * The Kafka path of ingestion: storefront messages become the same commands as HTTP requests, in
 * the same pipeline, so a message and its HTTP twin are one and the same (idempotent by storefront
 * id). Invalid or rejected messages go to the dead-letter topic with the reason and the original
 * bytes; a retriable failure (Kafka, registry or Postgres down) fails the batch, which is redelivered.
 */
@Injectable()
export class StorefrontInputConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StorefrontInputConsumer.name);
  private readonly consumer: Consumer;
  private readonly deadLetters: Producer;

  constructor(
    @Inject(STOREFRONT_INPUT) private readonly settings: StorefrontInputSettings,
    @Inject(COMMAND_PIPELINE) private readonly pipeline: CommandPipeline,
  ) {
    this.consumer = settings.kafka.consumer({ groupId: settings.groupId, allowAutoTopicCreation: false });
    this.deadLetters = settings.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  }

  async onApplicationBootstrap(): Promise<void> {
    // Started in the background: the HTTP API must serve (and answer 503) even while Kafka is down.
    void this.start().catch((error: unknown) => this.logger.error(`storefront input consumer stopped: ${(error as Error).message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
    await this.deadLetters.disconnect().catch(() => undefined);
  }

  private async start(): Promise<void> {
    await this.deadLetters.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.settings.topic, fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.onBatch(payload) });
    this.logger.log(`consuming storefront input from ${this.settings.topic}`);
  }

  private async onBatch({ batch, heartbeat, resolveOffset }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const dead: DeadLetter[] = [];
    // All messages enter the pipeline at once, in order: one member's commands keep their order.
    const results = await Promise.allSettled(
      batch.messages.map(async (message) => {
        const parsed = parseStorefrontMessage(message.key, message.value);
        if (!parsed.ok) {
          dead.push({ message, reason: parsed.reason, code: 'INPUT.INVALID' });
          return;
        }
        const outcome = await this.pipeline.execute(parsed.command, `kafka:${batch.partition}:${message.offset}`);
        if (outcome.status >= 400) {
          const body = outcome.body as { code?: string; detail?: string };
          dead.push({ message, reason: body.detail ?? `rejected with ${outcome.status}`, code: body.code ?? `HTTP.${outcome.status}` });
        }
      }),
    );
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure !== undefined) {
      // Nothing is committed: the batch comes again and its recorded commands answer as resends.
      throw failure.reason;
    }
    if (dead.length > 0) await this.sendToDeadLetters(batch.topic, batch.partition, dead);
    resolveOffset(batch.lastOffset());
    await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }]);
    await heartbeat();
  }

  private async sendToDeadLetters(topic: string, partition: number, dead: readonly DeadLetter[]): Promise<void> {
    for (const d of dead) this.logger.warn(`dead-lettering ${topic}/${partition}@${d.message.offset}: ${d.code}: ${d.reason}`);
    await this.deadLetters.send({
      topic: this.settings.deadLetterTopic,
      acks: -1,
      messages: dead.map((d) => ({
        key: d.message.key,
        value: d.message.value,
        headers: {
          'dlq-reason': d.reason.slice(0, 4_000),
          'dlq-code': d.code,
          'dlq-source-topic': topic,
          'dlq-source-partition': String(partition),
          'dlq-source-offset': d.message.offset,
        },
      })),
    });
  }
}
