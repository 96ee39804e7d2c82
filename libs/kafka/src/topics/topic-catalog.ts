import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const valueSpec = z.object({
  subject: z.string().min(1),
  schema: z.string().min(1),
  types: z.array(z.string()).default([]),
  compatibility: z.enum(['BACKWARD', 'BACKWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE']),
});

const topicSpec = z.object({
  name: z.string().regex(/^[a-zA-Z0-9._-]+$/),
  description: z.string(),
  partitions: z.number().int().min(1),
  config: z.record(z.string(), z.string()).default({}),
  key: z.enum(['string', 'bytes']),
  value: valueSpec.nullable(),
});

const catalogSchema = z.object({ topics: z.array(topicSpec).min(1) });

export type TopicSpec = z.infer<typeof topicSpec>;
export type ValueSpec = z.infer<typeof valueSpec>;
export type TopicCatalog = z.infer<typeof catalogSchema>;

/** The ledger topic every service reads or writes. */
export const LEDGER_TOPIC = 'loyalty.ledger.events.v1';
/** Program configuration as events (ProgramConfigured), keyed by tenant. */
export const PROGRAMS_TOPIC = 'loyalty.programs.v1';
/** Dead letters of the ledger consumers. */
export const LEDGER_DLQ_TOPIC = 'loyalty.ledger.dlq.v1';
/** Storefront input (JSON), the Kafka alternative to ingestion's HTTP API. */
export const STOREFRONT_INPUT_TOPIC = 'loyalty.storefront.input.v1';
/** Storefront input that could not be recorded, with the reason. */
export const STOREFRONT_DLQ_TOPIC = 'loyalty.storefront.dlq.v1';

/** The public loyalty events of the connector (ConnectorEvent), for subscribers and the connector's destinations. */
export const CONNECTOR_EVENTS_TOPIC = 'loyalty.connector.events.v1';

/** The rules service's commands to ingestion's write model (activations, expiries, offers). */
export const RULES_COMMANDS_TOPIC = 'loyalty.rules.commands.v1';

/** Where `schemas/` is; overridable for packaged deployments. */
export function schemasDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env['SCHEMAS_DIR'] ?? join(__dirname, '..', '..', '..', '..', 'schemas');
}

/**
 * Reads `schemas/topics.json`, the single map of topics, subjects and compatibility levels.
 *
 * @example
 * const catalog = loadTopicCatalog(schemasDir());
 * catalog.topics.find((t) => t.name === LEDGER_TOPIC)?.value?.subject; // 'loyalty.ledger.events.v1-value'
 */
export function loadTopicCatalog(dir: string): TopicCatalog {
  return catalogSchema.parse(JSON.parse(readFileSync(join(dir, 'topics.json'), 'utf8')));
}

export function findTopic(catalog: TopicCatalog, name: string): TopicSpec {
  const spec = catalog.topics.find((t) => t.name === name);
  if (spec === undefined) throw new Error(`topic ${name} is not in schemas/topics.json`);
  return spec;
}

/**
 * Topic and subject names carry an optional prefix, so environments (and each integration test)
 * can share one cluster and one registry without seeing each other.
 */
export function prefixed(prefix: string, name: string): string {
  return `${prefix}${name}`;
}
