import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import { type DeadLetter, deadLetterTopic } from './dead-letter';

/** Writes dead letters to each destination's own dead-letter topic (JSON, keyed by member). */
export class DeadLetterPublisher {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topicPrefix: string,
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async publish(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const byTopic = new Map<string, DeadLetter[]>();
    for (const letter of letters) {
      const topic = deadLetterTopic(this.topicPrefix, letter.destination);
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), letter]);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((l) => ({ key: `${l.tenantId}|${l.memberId}`, value: JSON.stringify(l), headers: { 'event-id': l.eventId, reason: l.reason.slice(0, 500) } })),
      })),
    });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
