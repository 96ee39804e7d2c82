// Each phase family reads and writes topics of its own: the whole topic catalog (schemas/topics.json:
// the ledger, the program log the connector reads at start, the public connector topic, …) under a
// prefix named per run (`bench.conn.<run>.`, and `bench.conn.<run>.e2e.` for the latency phase), with
// every value schema registered under its prefixed subject, as `npm run stack -- up` provisions the
// real ones. The connector creates its dead-letter topics itself, under the same prefix. At the end
// every topic and subject under the prefix and every consumer group carrying the run's tag is
// deleted (the cleanup is registered before anything exists).
import { type KafkaConfig } from '@loyalty/config';
import { type LedgerEvent } from '@loyalty/domain';
import {
  ConfluentSchemaRegistry,
  KafkaEventPublisher,
  connectorTopology,
  createKafkaClient,
  ensureTopics,
  ledgerTopology,
  loadTopicCatalog,
  registerSchemas,
  schemasDir,
} from '@loyalty/kafka';
import { type Kafka } from 'kafkajs';
import { type RegisterCleanup } from '../shared/cleanup';

export interface BenchTopics {
  readonly config: KafkaConfig;
  readonly ledgerTopic: string;
  readonly publicTopic: string;
  readonly kafka: Kafka;
}

export function benchKafkaConfig(brokers: readonly string[], registryUrl: string, prefix: string): KafkaConfig {
  return { KAFKA_BROKERS: [...brokers], KAFKA_CLIENT_ID: 'loyalty-bench', KAFKA_TOPIC_PREFIX: prefix, SCHEMA_REGISTRY_URL: registryUrl };
}

/** Every catalog topic and subject under `config`'s prefix; consumer groups whose id holds `groupTag` are deleted with them. */
export async function provisionTopics(config: KafkaConfig, groupTag: string, registerCleanup: RegisterCleanup): Promise<BenchTopics> {
  const prefix = config.KAFKA_TOPIC_PREFIX;
  if (!/^bench\.conn\.[0-9a-f]+\.([a-z0-9]+\.)?$/.test(prefix)) throw new Error(`${prefix} is not a benchmark topic prefix`);
  const dir = schemasDir();
  const catalog = loadTopicCatalog(dir);
  const kafka = createKafkaClient(config, 'bench-provision');
  registerCleanup(`delete topics, subjects and groups under ${prefix}`, () => deleteAll(kafka, config, groupTag));
  await ensureTopics(kafka, catalog, { prefix });
  await registerSchemas(new ConfluentSchemaRegistry(config.SCHEMA_REGISTRY_URL), catalog, dir, prefix);
  return { config, ledgerTopic: ledgerTopology(config).topic, publicTopic: connectorTopology(config).topic, kafka };
}

async function deleteAll(kafka: Kafka, config: KafkaConfig, groupTag: string): Promise<void> {
  const prefix = config.KAFKA_TOPIC_PREFIX;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ours = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.includes(groupTag));
    if (ours.length > 0) await admin.deleteGroups(ours).catch((e: unknown) => console.error(`[bench] could not delete consumer groups ${ours.join(', ')}: ${String(e)}`));
    const doomed = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
  const listed = await fetch(`${config.SCHEMA_REGISTRY_URL}/subjects`, { signal: AbortSignal.timeout(10_000) });
  const subjects = listed.ok ? ((await listed.json()) as string[]).filter((s) => s.startsWith(prefix)) : [];
  for (const subject of subjects) {
    // Soft delete, then permanent (the Confluent API refuses the second without the first).
    const url = `${config.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(subject)}`;
    for (const suffix of ['', '?permanent=true']) {
      const response = await fetch(`${url}${suffix}`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (!response.ok && response.status !== 404) throw new Error(`registry answered ${response.status} to DELETE ${url}${suffix}`);
    }
  }
}

/** A publisher of ledger events onto the prefixed ledger topic, Avro through the registry, keyed as ingestion keys them. */
export function ledgerPublisher(topics: BenchTopics, name: string): KafkaEventPublisher {
  return new KafkaEventPublisher(createKafkaClient(topics.config, name), ledgerTopology(topics.config).codec, { topic: topics.ledgerTopic, timeoutMs: 60_000 });
}

export interface FillResult {
  readonly events: number;
  readonly durationS: number;
}

/** Publishes every event `next` yields, one send per chunk, in order (a member's events keep theirs). */
export async function fillLedger(topics: BenchTopics, next: () => LedgerEvent[], label: string): Promise<FillResult> {
  const publisher = ledgerPublisher(topics, 'bench-fill');
  const started = performance.now();
  let events = 0;
  let lastReport = started;
  try {
    for (let chunk = next(); chunk.length > 0; chunk = next()) {
      await publisher.publish(chunk);
      events += chunk.length;
      if (performance.now() - lastReport > 5_000) {
        lastReport = performance.now();
        console.error(`[bench] ${label}: ${events.toLocaleString('en-US')} events published`);
      }
    }
  } finally {
    await publisher.close().catch(() => undefined);
  }
  return { events, durationS: (performance.now() - started) / 1_000 };
}

/** End offset (high watermark) of each partition of `topic`. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

export const totalOf = (offsets: ReadonlyMap<number, number>): number => [...offsets.values()].reduce((a, b) => a + b, 0);
