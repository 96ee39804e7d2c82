import { type TopicCatalog } from '@loyalty/kafka';

/**
 * The destinations' dead-letter topics, as a catalog for `ensureTopics`: they follow the
 * destinations file, not schemas/topics.json. Names are unprefixed here; `ensureTopics` prefixes.
 */
export function deadLetterTopicsCatalog(destinations: readonly string[]): TopicCatalog {
  return {
    topics: destinations.map((name) => ({
      name: `loyalty.connector.${name}.dlq.v1`,
      description: `Events ${name} refused for good, with the request, the response and the reason (JSON).`,
      partitions: 3,
      config: { 'retention.ms': String(30 * 24 * 3600 * 1000) },
      key: 'string' as const,
      value: null,
    })),
  };
}
