import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import { memberKey, type LedgerEvent } from '@loyalty/domain';
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
 * Kafka being down is a retriable InfrastructureError, never a silent success. A timed-out write
 * may still land later; that is safe because event ids are deterministic and consumers dedupe.
 */
export class KafkaEventPublisher implements EventPublisher {
  private readonly producer: Producer;
  private connecting: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
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
    const [first] = events;
    if (first === undefined) return [];
    const key = memberKey(first.metadata.tenantId, first.metadata.memberId);
    if (events.some((e) => memberKey(e.metadata.tenantId, e.metadata.memberId) !== key)) {
      // Offsets are reported per event, which is only well-defined within one partition.
      throw new RangeError('publish takes the events of one member at a time');
    }
    const messages = await Promise.all(
      events.map(async (event) => ({
        key,
        value: await this.codec.encode(event),
        headers: { 'event-type': event.type, 'event-id': event.metadata.eventId },
      })),
    );
    return this.withDeadline(async () => {
      await this.connect();
      const results = await this.producer.send({
        topic: this.options.topic,
        acks: -1,
        compression: CompressionTypes.None,
        messages,
      });
      // One member's events share a key, hence a partition: the i-th message is at baseOffset + i.
      const [result] = results;
      if (result?.baseOffset === undefined) {
        throw new InfrastructureError('KAFKA.UNAVAILABLE', 'kafka acknowledged without an offset', true);
      }
      const base = BigInt(result.baseOffset);
      return messages.map((_, i) => ({ partition: result.partition, offset: (base + BigInt(i)).toString() }));
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
