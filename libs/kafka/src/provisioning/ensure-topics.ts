import { type Admin, type Kafka } from 'kafkajs';
import { type TopicCatalog, prefixed } from '../topics/topic-catalog';

export interface EnsureTopicsOptions {
  readonly prefix: string;
  /** Tests use fewer partitions than production to keep topic creation fast. */
  readonly partitions?: number;
}

/** Creates the catalog's topics that do not exist yet, with their configs. Idempotent. */
export async function ensureTopics(kafka: Kafka, catalog: TopicCatalog, options: EnsureTopicsOptions): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = catalog.topics.filter((t) => !existing.has(prefixed(options.prefix, t.name)));
    if (missing.length > 0) {
      const topics = missing.map((t) => prefixed(options.prefix, t.name));
      await admin
        .createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: prefixed(options.prefix, t.name),
          numPartitions: options.partitions ?? t.partitions,
          replicationFactor: -1,
          configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
        })),
      })
        // Waiting for leaders can outrun the broker's metadata ("does not host this
        // topic-partition") although the topics were created: wait for their metadata instead.
        .catch(async (error: unknown) => {
          if (!isUnknownPartition(error)) throw error;
          await waitForMetadata(admin, topics);
        });
    }
    return missing.map((t) => prefixed(options.prefix, t.name));
  } finally {
    await admin.disconnect();
  }
}

function isUnknownPartition(error: unknown): boolean {
  const e = error as { type?: string; message?: string } | null;
  return e?.type === 'UNKNOWN_TOPIC_OR_PARTITION' || (e?.message ?? '').includes('does not host this topic-partition');
}

async function waitForMetadata(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics });
      if (described.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (!isUnknownPartition(error) || Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics without leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
