import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Consumer, type EachBatchPayload, type Kafka, type KafkaMessage, Partitioners, type Producer } from 'kafkajs';
import { type CommandPipeline } from '../pipeline/command-pipeline';
import { type MemberCommand } from '../pipeline/member-command';

export interface CommandInputSettings {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly groupId: string;
}

export type ParsedInput = { ok: true; command: MemberCommand } | { ok: false; reason: string };

interface DeadLetter {
  readonly message: KafkaMessage;
  readonly reason: string;
  readonly code: string;
}

/**
 * A Kafka topic of JSON commands feeding the command pipeline, the same one HTTP requests use.
 * Invalid or rejected messages (a conflict included) go to the dead-letter topic with the reason and
 * the original key and bytes, and the partition moves on; a retriable failure (Kafka, registry or
 * Postgres down) fails the batch without committing, and the redelivered messages answer as resends.
 */
export abstract class CommandInputConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger: Logger;
  private readonly consumer: Consumer;
  private readonly deadLetters: Producer;

  protected constructor(
    private readonly settings: CommandInputSettings,
    private readonly pipeline: CommandPipeline,
    private readonly parse: (key: Buffer | null, value: Buffer | null) => ParsedInput,
    name: string,
  ) {
    this.logger = new Logger(name);
    this.consumer = settings.kafka.consumer({ groupId: settings.groupId, allowAutoTopicCreation: false });
    this.deadLetters = settings.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  }

  async onApplicationBootstrap(): Promise<void> {
    // Started in the background: the HTTP API must serve (and answer 503) even while Kafka is down.
    void this.start().catch((error: unknown) => this.logger.error(`consumer of ${this.settings.topic} stopped: ${(error as Error).message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
    await this.deadLetters.disconnect().catch(() => undefined);
  }

  private async start(): Promise<void> {
    await this.deadLetters.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.settings.topic, fromBeginning: true });
    // Several partitions' batches at once: the pipeline groups concurrent commands into its
    // batches (a member's commands all sit in one partition, so their order holds).
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 4, eachBatch: (payload) => this.onBatch(payload) });
    this.logger.log(`consuming ${this.settings.topic} as ${this.settings.groupId}`);
  }

  private async onBatch({ batch, heartbeat, resolveOffset }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const dead: DeadLetter[] = [];
    // All messages enter the pipeline at once, in order: one member's commands keep their order.
    const results = await Promise.allSettled(
      batch.messages.map(async (message) => {
        const parsed = this.parse(message.key, message.value);
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
    // Sorted by offset: the messages were pushed as their commands finished, not in arrival order.
    const ordered = [...dead].sort((a, b) => (BigInt(a.message.offset) < BigInt(b.message.offset) ? -1 : 1));
    await this.deadLetters.send({
      topic: this.settings.deadLetterTopic,
      acks: -1,
      messages: ordered.map((d) => ({
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
