// Each rules phase reads and writes topics of its own: the whole topic catalog (schemas/topics.json:
// the ledger and its dead letters, the rules command topic, the program log the service reads and
// publishes its programs to at start, …) under a prefix named per run and phase
// (`bench.rules.<runId>.`, `.naive.`, `.day.`), with every value schema registered under its
// prefixed subject, as `npm run stack -- up` provisions the real ones. Taking the whole catalog
// keeps the bench running when the service starts using another topic. Topics, subjects and the
// consumer groups named are deleted afterwards (the cleanup is registered before anything exists).
// The backlog is produced through the services' own KafkaEventPublisher and LedgerEventCodec: Avro
// with the registry's schema id, keyed and partitioned as ingestion writes it.
import { type KafkaConfig } from '@loyalty/config';
import {
  ConfluentSchemaRegistry,
  KafkaEventPublisher,
  LEDGER_TOPIC,
  RULES_COMMANDS_TOPIC,
  createKafkaClient,
  ensureTopics,
  findTopic,
  ledgerTopology,
  loadTopicCatalog,
  prefixed,
  registerSchemas,
  schemasDir,
} from '@loyalty/kafka';
import { type Kafka } from 'kafkajs';
import { type RegisterCleanup } from '../shared/cleanup';
import { type EndOffsets, type ThrowawayLedger, endOffsets } from '../projector/throwaway-kafka';
import { type RulesBacklog } from './rules-backlog';

export interface RulesTopics {
  readonly ledger: ThrowawayLedger;
  /** The prefixed rules command topic. */
  readonly commandsTopic: string;
}

export function rulesKafkaConfig(brokers: readonly string[], registryUrl: string, prefix: string): KafkaConfig {
  return { KAFKA_BROKERS: [...brokers], KAFKA_CLIENT_ID: 'loyalty-bench', KAFKA_TOPIC_PREFIX: prefix, SCHEMA_REGISTRY_URL: registryUrl };
}

/** Every catalog topic and subject under `config`'s prefix; `groups` are deleted with them. */
export async function provisionRulesTopics(config: KafkaConfig, groups: readonly string[], registerCleanup: RegisterCleanup): Promise<RulesTopics> {
  if (!/^bench\.rules\.[0-9a-f]+\.([a-z]+\.)?$/.test(config.KAFKA_TOPIC_PREFIX)) throw new Error(`${config.KAFKA_TOPIC_PREFIX} is not a benchmark topic prefix`);
  const dir = schemasDir();
  const catalog = loadTopicCatalog(dir);
  const prefix = config.KAFKA_TOPIC_PREFIX;
  const topics = catalog.topics.map((t) => prefixed(prefix, t.name));
  const subjects = catalog.topics.flatMap((t) => (t.value === null ? [] : [prefixed(prefix, t.value.subject)]));
  const kafka = createKafkaClient(config, 'bench-provision');
  registerCleanup(`delete topics and subjects under ${prefix}`, () => deleteAll(kafka, config, topics, subjects, groups));
  await ensureTopics(kafka, catalog, { prefix });
  await registerSchemas(new ConfluentSchemaRegistry(config.SCHEMA_REGISTRY_URL), catalog, dir, prefix);
  const ledgerSubject = findTopic(catalog, LEDGER_TOPIC).value?.subject ?? `${LEDGER_TOPIC}-value`;
  return { ledger: { kafka: config, topology: ledgerTopology(config), subject: prefixed(prefix, ledgerSubject) }, commandsTopic: prefixed(prefix, RULES_COMMANDS_TOPIC) };
}

async function deleteAll(kafka: Kafka, config: KafkaConfig, topics: readonly string[], subjects: readonly string[], groups: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
    const ours = groups.filter((g) => existing.has(g));
    if (ours.length > 0) await admin.deleteGroups(ours).catch((e: unknown) => console.error(`[bench] could not delete consumer groups ${ours.join(', ')}: ${String(e)}`));
    const present = new Set(await admin.listTopics());
    const doomed = topics.filter((t) => present.has(t));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
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

export interface FillResult {
  readonly events: number;
  readonly durationS: number;
  readonly endOffsets: EndOffsets;
}

/**
 * Publishes the backlog's next `count` events, one send of `batchSize` at a time (in order, so a
 * member's events keep theirs), and returns the end offset of every partition.
 */
export async function fillRulesBacklog(ledger: ThrowawayLedger, backlog: RulesBacklog, batchSize: number, count: number): Promise<FillResult> {
  const kafka = createKafkaClient(ledger.kafka, 'bench-fill');
  const publisher = new KafkaEventPublisher(kafka, ledger.topology.codec, { topic: ledger.topology.topic, timeoutMs: 60_000 });
  const started = performance.now();
  let events = 0;
  let lastReport = started;
  try {
    for (let chunk = backlog.nextChunk(Math.min(batchSize, count)); chunk.length > 0; chunk = backlog.nextChunk(Math.min(batchSize, count - events))) {
      await publisher.publish(chunk);
      events += chunk.length;
      if (performance.now() - lastReport > 5_000) {
        lastReport = performance.now();
        console.error(`[bench] backlog: ${events.toLocaleString('en-US')} events published`);
      }
    }
  } finally {
    await publisher.close().catch(() => undefined);
  }
  return { events, durationS: (performance.now() - started) / 1_000, endOffsets: await endOffsets(kafka, ledger.topology.topic) };
}
