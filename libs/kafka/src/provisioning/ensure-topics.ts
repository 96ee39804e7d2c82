import { type Kafka } from 'kafkajs';
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
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: prefixed(options.prefix, t.name),
          numPartitions: options.partitions ?? t.partitions,
          replicationFactor: -1,
          configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    return missing.map((t) => prefixed(options.prefix, t.name));
  } finally {
    await admin.disconnect();
  }
}
