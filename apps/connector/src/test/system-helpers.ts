import { type KafkaConfig } from '@loyalty/config';
import { type LedgerEvent } from '@loyalty/domain';
import { KafkaEventPublisher, createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import { forwardedItems, uniqueTestId } from '@loyalty/testing';
import { type ReceivedItem, type StubVendor } from '@loyalty/vendor-stubs';

export const VENDORS: readonly StubVendor[] = ['bloomreach', 'braze', 'voucherify', 'webhooks'];

/** Ledger events straight onto the system's ledger topic, as the ingestion service writes them. */
export async function publishLedgerEvents(kafka: KafkaConfig, events: readonly LedgerEvent[]): Promise<void> {
  const topology = ledgerTopology(kafka);
  const publisher = new KafkaEventPublisher(createKafkaClient(kafka, 'spec-ledger-producer'), topology.codec, { topic: topology.topic, timeoutMs: 30_000 });
  try {
    await publisher.publish(events);
  } finally {
    await publisher.close();
  }
}

/** The items that carry a forwarded event (shared with the e2e specs, hence in @loyalty/testing). */
export { forwardedItems };

/** How many copies of each of these events a vendor accepted. */
export function copies(items: readonly ReceivedItem[], eventIds: readonly string[]): number[] {
  const counts = new Map<string, number>();
  for (const item of forwardedItems(items)) counts.set(item.eventId!, (counts.get(item.eventId!) ?? 0) + 1);
  return eventIds.map((id) => counts.get(id) ?? 0);
}

/** Reads a topic from the beginning, as JSON, until `enough` says so (or the time is up). */
export async function readJsonTopic<T>(kafka: KafkaConfig, topic: string, enough: (values: readonly T[]) => boolean, timeoutMs = 30_000): Promise<T[]> {
  const consumer = createKafkaClient(kafka, 'spec-topic-reader').consumer({ groupId: uniqueTestId('spec-reader'), maxWaitTimeInMs: 100 });
  const values: T[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms reading ${topic} (${values.length} messages)`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            values.push(JSON.parse(message.value?.toString('utf8') ?? 'null') as T);
            if (enough(values)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error as Error);
        });
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}
