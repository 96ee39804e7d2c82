import { CompressionTypes, type Kafka, Partitioners, type PartitionMetadata, type Producer } from 'kafkajs';
import { type LedgerEvent, memberKey } from '@loyalty/domain';
import { type LedgerEventCodec } from '../codec/ledger-event.codec';
import { InfrastructureError } from '../infrastructure-error';
import { type EventPublisher, type LogPosition } from './event-publisher';

export interface KafkaEventPublisherOptions {
  readonly topic: string;
  /** A write that has not been acknowledged by then is reported as unavailable (HTTP 503). */
  readonly timeoutMs: number;
}

/**
 * Publishes ledger events with an idempotent producer and acks=all, keyed by tenant and member.
 * Messages get their partition here, with Kafka's default (murmur2) partitioner, so that one send
 * can carry many members' events and still report each event's offset. Kafka being down is a
 * retriable InfrastructureError, never a silent success.
 */
export class KafkaEventPublisher implements EventPublisher {
  private readonly producer: Producer;
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private connecting: Promise<void> | undefined;
  private partitions: PartitionMetadata[] | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly codec: LedgerEventCodec,
    private readonly options: KafkaEventPublisherOptions,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connecting = undefined;
    });
  }

  async publish(events: readonly LedgerEvent[]): Promise<readonly LogPosition[]> {
    if (events.length === 0) return [];
    return this.withDeadline(async () => {
      await this.connect();
      const partitions = await this.partitionMetadata();
      const messages = await Promise.all(
        events.map(async (event) => {
          const key = memberKey(event.metadata.tenantId, event.metadata.memberId);
          return {
            key,
            value: await this.codec.encode(event),
            partition: this.partitioner({ topic: this.options.topic, partitionMetadata: partitions, message: { key, value: null } }),
            headers: { 'event-type': event.type, 'event-id': event.metadata.eventId },
          };
        }),
      );
      const results = await this.producer.send({ topic: this.options.topic, acks: -1, compression: CompressionTypes.None, messages });
      // Kafka keeps the order of one partition's messages within a request: the i-th message for
      // partition p is at baseOffset(p) + i.
      const base = new Map(results.map((r) => [r.partition, r.baseOffset]));
      const seen = new Map<number, bigint>();
      return messages.map((m) => {
        const offset = base.get(m.partition);
        if (offset === undefined) throw new InfrastructureError('KAFKA.UNAVAILABLE', `no offset acknowledged for partition ${m.partition}`, true);
        const index = seen.get(m.partition) ?? 0n;
        seen.set(m.partition, index + 1n);
        return { partition: m.partition, offset: (BigInt(offset) + index).toString() };
      });
    });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }

  private connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  /** The topic's partitions, read once: partition counts only grow, and keys must keep their partition. */
  private async partitionMetadata(): Promise<PartitionMetadata[]> {
    if (this.partitions === undefined) {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [this.options.topic] });
        const found = topics[0]?.partitions;
        if (found === undefined || found.length === 0) throw new Error(`topic ${this.options.topic} has no partitions`);
        this.partitions = found;
      } finally {
        await admin.disconnect();
      }
    }
    return this.partitions;
  }

  private async withDeadline<T>(operation: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new InfrastructureError('KAFKA.UNAVAILABLE', `kafka did not acknowledge within ${this.options.timeoutMs} ms`, true)),
        this.options.timeoutMs,
      );
    });
    try {
      return await Promise.race([operation(), deadline]);
    } catch (error) {
      if (error instanceof InfrastructureError) throw error;
      throw new InfrastructureError('KAFKA.UNAVAILABLE', `kafka write failed: ${(error as Error).message}`, true, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}
