import { CompressionTypes, type Kafka, Partitioners, type Producer } from 'kafkajs';
import { type RulesCommand, memberKey } from '@loyalty/domain';
import { InfrastructureError } from '@loyalty/kafka';

/**
 * Sends commands to ingestion as JSON, keyed by member so a member's commands keep their order,
 * with an idempotent producer and acks=all: a command is only taken off the outbox once Kafka
 * has it.
 */
export class RulesCommandPublisher {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = undefined;
    });
  }

  async publish(commands: readonly RulesCommand[]): Promise<void> {
    if (commands.length === 0) return;
    try {
      this.connected ??= this.producer.connect();
      await this.connected;
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        compression: CompressionTypes.None,
        messages: commands.map((c) => ({ key: memberKey(c.tenantId, c.memberId), value: JSON.stringify(c), headers: { 'command-type': c.type, 'command-id': c.commandId } })),
      });
    } catch (error) {
      this.connected = undefined;
      throw new InfrastructureError('KAFKA.UNAVAILABLE', `rules commands could not be sent: ${(error as Error).message}`, true, { cause: error });
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
