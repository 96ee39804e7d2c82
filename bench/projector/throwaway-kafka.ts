// The projector phases read a ledger topic of their own: the catalog's ledger topic and its dead
// letters under a prefix named per run (`bench.proj.<runId>.`), with the ledger schema registered
// under the prefixed subject, exactly as the test helpers provision an isolated environment. The
// backlog is produced through the services' own KafkaEventPublisher and LedgerEventCodec, so every
// message is Avro with the registry's schema id, keyed and partitioned as ingestion writes it.
// Topics, subject and the consumer groups that read them are deleted afterwards.
import { type KafkaConfig } from '@loyalty/config';
import {
  ConfluentSchemaRegistry,
  KafkaEventPublisher,
  LEDGER_DLQ_TOPIC,
  LEDGER_TOPIC,
  type LedgerTopology,
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
import { type LedgerBacklog } from './ledger-backlog';

export interface ThrowawayLedger {
  readonly kafka: KafkaConfig;
  readonly topology: LedgerTopology;
  readonly subject: string;
}

/** End offset (high watermark) of each partition: what a consumer has drained once it stores these. */
export type EndOffsets = ReadonlyMap<number, number>;

export function throwawayKafkaConfig(brokers: readonly string[], registryUrl: string, runId: string): KafkaConfig {
  return { KAFKA_BROKERS: [...brokers], KAFKA_CLIENT_ID: 'loyalty-bench', KAFKA_TOPIC_PREFIX: `bench.proj.${runId}.`, SCHEMA_REGISTRY_URL: registryUrl };
}

/**
 * Creates the prefixed ledger and dead-letter topics (catalog partitions and configs) and registers
 * the ledger value schema under the prefixed subject. The cleanup is registered first, so an
 * interrupted run leaves neither behind; consumer groups named in `groups` are deleted with them.
 */
export async function provisionThrowawayLedger(config: KafkaConfig, groups: readonly string[], registerCleanup: RegisterCleanup): Promise<ThrowawayLedger> {
  const dir = schemasDir();
  const catalog = loadTopicCatalog(dir);
  const ledger = findTopic(catalog, LEDGER_TOPIC);
  const topics = { topics: [ledger, findTopic(catalog, LEDGER_DLQ_TOPIC)] };
  const names = topics.topics.map((t) => prefixed(config.KAFKA_TOPIC_PREFIX, t.name));
  const subject = prefixed(config.KAFKA_TOPIC_PREFIX, ledger.value?.subject ?? `${LEDGER_TOPIC}-value`);
  const kafka = createKafkaClient(config, 'bench-provision');
  registerCleanup(`delete topics ${names.join(', ')} and subject ${subject}`, () => deleteThrowawayLedger(kafka, config, names, subject, groups));
  await ensureTopics(kafka, topics, { prefix: config.KAFKA_TOPIC_PREFIX });
  await registerSchemas(new ConfluentSchemaRegistry(config.SCHEMA_REGISTRY_URL), { topics: [ledger] }, dir, config.KAFKA_TOPIC_PREFIX);
  return { kafka: config, topology: ledgerTopology(config), subject };
}

async function deleteThrowawayLedger(kafka: Kafka, config: KafkaConfig, topics: readonly string[], subject: string, groups: readonly string[]): Promise<void> {
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
  // Soft delete, then permanent (the Confluent API refuses the second without the first).
  const url = `${config.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(subject)}`;
  for (const suffix of ['', '?permanent=true']) {
    const response = await fetch(`${url}${suffix}`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    if (!response.ok && response.status !== 404) throw new Error(`registry answered ${response.status} to DELETE ${url}${suffix}`);
  }
}

export interface FillResult {
  readonly events: number;
  readonly durationS: number;
  readonly endOffsets: EndOffsets;
}

/**
 * Publishes the next `count` events of the backlog (all that is left by default), one send of
 * `batchSize` events at a time (in order, so a spend never overtakes the credit it names), and
 * returns the end offset of every partition. A later call goes on where this one stopped (the
 * rebuild's top-up).
 */
export async function fillBacklog(ledger: ThrowawayLedger, backlog: LedgerBacklog, batchSize: number, count = backlog.remaining): Promise<FillResult> {
  const kafka = createKafkaClient(ledger.kafka, 'bench-fill');
  const publisher = new KafkaEventPublisher(kafka, ledger.topology.codec, { topic: ledger.topology.topic, timeoutMs: 60_000 });
  const started = performance.now();
  let events = 0;
  let lastReport = started;
  const next = () => backlog.nextChunk(Math.min(batchSize, count - events));
  try {
    for (let chunk = next(); chunk.length > 0; chunk = next()) {
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
  const durationS = (performance.now() - started) / 1_000;
  return { events, durationS, endOffsets: await endOffsets(kafka, ledger.topology.topic) };
}

export async function endOffsets(kafka: Kafka, topic: string): Promise<EndOffsets> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

export function totalOf(offsets: EndOffsets): number {
  return [...offsets.values()].reduce((a, b) => a + b, 0);
}
