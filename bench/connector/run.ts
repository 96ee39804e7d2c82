// `npm run bench:connector`: the connector (ledger → public topic → Bloomreach, Braze, Voucherify,
// webhooks) on the local stack, everything co-located, against the vendor stubs run as a process of
// the run's own. A backlog of BENCH_CONNECTOR_MEMBERS enrolments and BENCH_CONNECTOR_EVENTS forwarded
// ledger events is produced once onto a throwaway ledger topic; then, in this order:
//   feed     the real connector with no destination: ledger → public topic, events/s;
//   kafka    Kafka raw consume of the public topic (kafkajs alone, handler does nothing);
//   batched  the connector delivering the public topic to Bloomreach (batches of 50 commands) and
//            Braze (75 objects) at once, concurrency BENCH_CONNECTOR_CONCURRENCY: events/s per
//            destination and in total (target ≥ 5,000 events/s);
//   naive    the same with batchSize 1 and concurrency 1, over a window of BENCH_NAIVE_S;
//   single   webhook and Voucherify (one request per event, no batch API), over BENCH_SINGLE_S;
//   postgres the journal's round trips alone (single-row insert + update), pairs/s;
//   http     raw HTTP POSTs of one connector request's body to the stubs (autocannon), requests/s;
//   latency  purchase → tier change at the stubs, p99 ≤ 2 s at 1,000 events/s: the real ingestion,
//            rules and connector, background ledger load at BENCH_LATENCY_RATE (see latency.ts).
// Topics, registry subjects, consumer groups, databases, files and processes the run creates are
// removed at the end, also on failure or Ctrl-C. The dev stack's services are neither used nor touched.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatabaseConfig } from '@loyalty/config';
import { DEFAULT_PROGRAM } from '@loyalty/domain';
import { Cleanup, guardWithCleanup } from '../shared/cleanup';
import { type SettleResult, settleBefore } from '../shared/cpu-settle';
import { assertLoopbackHost, loopbackBrokers } from '../shared/loopback-brokers';
import { machineInfo } from '../shared/machine-info';
import { type PeakRss } from '../shared/peak-rss';
import { PostgresRssSampler, postgresPids } from '../shared/postgres-rss';
import { commandLine, statusKib } from '../shared/proc-fs';
import { RESULTS_FILE } from '../shared/results-file';
import { runMain } from '../shared/run-main';
import { readStackDatabase } from '../shared/stack-database';
import { pidfileOf, readDevApiKey, readPidfile, readStackEnv, stackFiles } from '../shared/stack-files';
import { measureKafkaRawConsume } from '../projector/kafka-raw-consume';
import { assertStackReachable } from '../rules/stack-reachable';
import { type BenchConfig, type PhaseName, isSmokeRun, loadBenchConfig } from './bench-config';
import { type BenchTopics, benchKafkaConfig, endOffsets, fillLedger, ledgerPublisher, provisionTopics, totalOf } from './connector-kafka';
import { MIGRATIONS, createBenchDatabase } from './connector-database';
import { ConnectorWorkload } from './connector-workload';
import { CpuMeter, type CpuShares, type Watched, describeCpu } from './cpu-meter';
import { type DeliveryResult, type DestinationFigures, measureDelivery, measureFeed, waitForGroupStable } from './delivery-measure';
import { type DestinationSpec, EVENT_NAMES, ITEMS_PER_EVENT, type Vendor, credentialEnv, writeDestinations } from './destinations';
import { type LatencyResult, measureLatency } from './latency';
import { type HttpRawResult, measureHttpRaw, measurePostgresJournalPairs } from './raw-limits';
import { type ConnectorReport, type LatencyRow, type ThroughputRow, int, ms, renderReport, share, times } from './report';
import { appendConnectorRun } from './results-section';
import { type RunEnv, type ServiceProcess, launchService, startService } from './service-processes';
import { type StubVendor, startVendorStubs } from './vendor-stubs-process';

const THROUGHPUT_TARGET = 5_000;
const LATENCY_TARGET_MS = 2_000;
/** High enough never to be what limits a destination (the stubs' limits are raised alike). */
const NO_RATE_LIMIT = 100_000;
const FORWARDED = ['points_earned', 'points_spent', 'tier_changed'] as const;
const STUB_OF: Readonly<Record<Vendor, StubVendor>> = { bloomreach: 'bloomreach', braze: 'braze', voucherify: 'voucherify', webhook: 'webhooks' };

/** A client backend names its database (`postgres: <user> <database> <host>(<port>) <state>`); other processes are the server's. */
function ownPostgresProcess(cmdline: string, databasePrefix: string): boolean {
  const backend = /^postgres: \S+ (\S+) \S+\(\d+\)/.exec(cmdline);
  return backend === null || (backend[1] ?? '').startsWith(databasePrefix);
}

/**
 * A fingerprint of the connector's sources (apps/connector/src, specs left out) as they were run:
 * figures from two runs compare only when it is the same or the change between them is known.
 */
function connectorSourcesHash(root: string): string {
  const hash = createHash('sha256');
  const files = (readdirSync(join(root, 'apps', 'connector', 'src'), { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => f.endsWith('.ts') && !f.includes('.spec.')).sort();
  for (const f of files) hash.update(f).update(readFileSync(join(root, 'apps', 'connector', 'src', f)));
  return `${hash.digest('hex').slice(0, 12)} (${files.length} files)`;
}

function timeBudgetMs(c: BenchConfig): number {
  return (4 * c.drainTimeoutS + c.naiveS + c.singleS + 8 * (c.settleMaxS + 60) + 6 * (c.warmupS + c.durationS) + c.latencyS + 900) * 1_000;
}

const peakOf = (service: ServiceProcess, process: string, note: string): PeakRss => ({ process, pid: service.pid, kib: statusKib(service.pid, 'VmHWM'), note });
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const busyNote = (label: string, s: SettleResult) => (s.settled ? [] : [`${label} started on a busy machine (${Math.round(s.lastBusy * 100)} % CPU after ${Math.round(s.waitedS)} s of waiting).`]);

interface StubCounts {
  readonly items: number;
  readonly requests: number;
  readonly rejected: number;
  readonly duplicates: number;
  readonly non2xx: number;
}

interface DeliveryPhase {
  readonly result: DeliveryResult;
  readonly stubs: ReadonlyMap<string, StubCounts>;
  readonly startupS: number;
  readonly cpu: CpuShares;
}

interface FeedFigures {
  readonly rate: number;
  readonly events: number;
  readonly note: string;
}

async function main(): Promise<number> {
  const config = loadBenchConfig(process.env);
  const files = stackFiles();
  const stackEnv = readStackEnv(files);
  const brokers = loopbackBrokers(stackEnv['KAFKA_BROKERS']);
  const registryUrl = stackEnv['SCHEMA_REGISTRY_URL'] ?? '';
  if (registryUrl === '') throw new Error('SCHEMA_REGISTRY_URL is not set in .stack/stack.env: is the stack up?');
  assertLoopbackHost(new URL(registryUrl).hostname, `schema registry ${registryUrl}`);
  const stackDatabase = readStackDatabase(files);
  await assertStackReachable(brokers, registryUrl, stackDatabase);
  const apiKey = readDevApiKey(files);
  const runId = randomUUID().slice(0, 8);
  const tag = `bench-conn-${runId}`;
  // The dev API key's tenant: the latency phase's purchases go through ingestion with it.
  const tenantId = 'demo';
  const startedAt = new Date();
  const has = (p: PhaseName) => config.phases.has(p);
  const kafkaPid = readPidfile(pidfileOf(files, 'kafka'));
  const sourcesHash = connectorSourcesHash(files.root);

  const cleanup = new Cleanup();
  const disarm = guardWithCleanup(cleanup, timeBudgetMs(config));
  const register = (name: string, fn: () => Promise<void>) => cleanup.add(name, fn);
  const postgres = new PostgresRssSampler(files.postgresDataDir);
  postgres.start();

  const peaks: PeakRss[] = [];
  const notes: string[] = [];
  const failures = new Map<string, string>();
  const setup: string[] = [];
  const fail = (phase: string, error: unknown) => {
    const text = errorText(error);
    failures.set(phase, text);
    console.error(`[bench] ${phase} failed: ${text}`);
  };

  let feed: FeedFigures | undefined;
  let kafkaRaw: { rate: number; events: number } | undefined;
  let batched: DeliveryPhase | undefined;
  let naive: DeliveryPhase | undefined;
  let single: DeliveryPhase | undefined;
  let pgRaw: { rate: number; p50Ms: number; p99Ms: number } | undefined;
  let http: HttpRawResult[] = [];
  let latency: LatencyResult | undefined;

  const batchedDests: DestinationSpec[] = [];
  const naiveDests: DestinationSpec[] = [];
  const singleDests: DestinationSpec[] = [];
  const latencyDests: DestinationSpec[] = [];
  try {
    const dir = mkdtempSync(join(tmpdir(), `bench-connector-${runId}-`));
    register(`remove ${dir}`, () => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    // The run's own program for the tenant (the seeds' default: Bronze / Silver / Gold at 0 / 1,000 /
    // 5,000) with no pending days, so a purchase's points count towards the tier at once.
    const programsDir = join(dir, 'programs');
    mkdirSync(programsDir);
    writeFileSync(join(programsDir, `${tenantId}.json`), JSON.stringify({ tenantId, versions: [{ ...DEFAULT_PROGRAM, version: 'bench-connector-2026-01-01', effectiveFrom: '2026-01-01T00:00:00.000Z', pendingDays: 0 }] }, null, 2));
    const clockFile = join(dir, 'clock.json');
    writeFileSync(clockFile, JSON.stringify({ offsetMs: 0 }));
    const stubs = await startVendorStubs(files, dir, Object.values(EVENT_NAMES), register);
    const watched = (services: Readonly<Record<string, number>>): Watched => ({
      ...Object.fromEntries(Object.entries(services).map(([name, pid]) => [name, () => [pid]])),
      stubs: () => [stubs.pid],
      // The server's own processes and this run's sessions; other databases' sessions (another
      // workload on the same server) count as "everything else".
      postgres: () => postgresPids(files.postgresDataDir).filter((pid) => ownPostgresProcess(commandLine(pid), `bench_connector_${runId}`)),
      ...(kafkaPid === undefined ? {} : { kafka: () => [kafkaPid] }),
      harness: () => [process.pid],
    });

    // ---------------------------------------------------------------- the throughput backlog
    let topics: BenchTopics | undefined;
    let database: DatabaseConfig | undefined;
    let workload: ConnectorWorkload | undefined;
    if ((['feed', 'kafka', 'batched', 'naive', 'single', 'postgres'] as const).some(has)) {
      topics = await provisionTopics(benchKafkaConfig(brokers, registryUrl, `bench.conn.${runId}.`), tag, register);
      database = await createBenchDatabase(stackDatabase, `bench_connector_${runId}`, [MIGRATIONS.connector], register);
      const w = new ConnectorWorkload({ tenantId, runId, members: config.members, events: config.events });
      workload = w;
      console.error(`[bench] filling ${topics.ledgerTopic} with ${int(w.total)} events`);
      const fill = await fillLedger(topics, () => w.nextChunk(config.fillBatch), 'backlog');
      setup.push(
        `Backlog: ${int(w.counts.enrolled)} members enrolled with an e-mail (MemberEnrolled), then ${int(config.events)} forwarded events over them (${int(w.counts.earned)} PointsEarned, ` +
          `${int(w.counts.spent)} PointsSpent, ${int(w.counts.tierChanged)} TierChanged), 12 partitions, published Avro through KafkaEventPublisher in ${fill.durationS.toFixed(1)} s ` +
          `(${int(fill.events / fill.durationS)} events/s, not a measured phase).`,
      );
    }
    const runEnv = (): RunEnv => {
      if (topics === undefined || database === undefined) throw new Error('no backlog');
      return { files, kafka: topics.config, database, programsDir, clockFile };
    };
    const profiling: Record<string, string> = config.cpuProfDir === undefined ? {} : { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${config.cpuProfDir}` };
    const connectorEnv = (file: string, groups = tag): Record<string, string> => ({
      CONNECTOR_DESTINATIONS_FILE: file,
      CONNECTOR_FEED_GROUP: `${groups}-feed`,
      CONNECTOR_GROUP_PREFIX: `${groups}-`,
      ...credentialEnv(stubs.credentials),
      ...profiling,
    });
    const spec = (name: string, vendor: Vendor, batchSize: number, concurrency: number): DestinationSpec => ({ name, vendor, tenantId, events: FORWARDED, batchSize, concurrency, rateLimitPerSecond: NO_RATE_LIMIT });
    batchedDests.push(spec('bloomreach', 'bloomreach', 50, config.concurrency), spec('braze', 'braze', 75, config.concurrency));
    naiveDests.push(spec('bloomreach-naive', 'bloomreach', 1, 1), spec('braze-naive', 'braze', 1, 1));
    singleDests.push(spec('webhook', 'webhook', 1, config.concurrency), spec('voucherify', 'voucherify', 1, config.concurrency));
    latencyDests.push({ ...spec('lat-bloomreach', 'bloomreach', 50, config.concurrency), hardId: 'email' }, spec('lat-braze', 'braze', 75, config.concurrency), spec('lat-webhook', 'webhook', 1, config.concurrency));

    /** One connector process delivering the backlog's public topic to `dests` (drained, or a window after each's first delivery). */
    const deliveryPhase = async (role: string, dests: readonly DestinationSpec[], windowS: number | undefined): Promise<DeliveryPhase> => {
      const file = writeDestinations(dir, `${role}.json`, dests, stubs);
      await stubs.reset();
      const connector = await startService('connector', role, runEnv(), connectorEnv(file), register);
      const startupS = (performance.now() - connector.spawnedAt) / 1_000;
      const meter = new CpuMeter(watched({ connector: connector.pid }));
      console.error(`[bench] ${role}: delivering to ${dests.map((d) => `${d.name} (batch ${d.batchSize}, concurrency ${d.concurrency})`).join(', ')}`);
      const result = await measureDelivery(
        connector,
        dests.map((d) => ({ name: d.name, expected: config.events })),
        { ...(windowS === undefined ? {} : { windowS }), timeoutS: config.drainTimeoutS, stallS: config.stallS },
      );
      const cpu = meter.read();
      const counts = new Map<string, StubCounts>();
      for (const d of dests) {
        const s = await stubs.stats(STUB_OF[d.vendor]);
        const non2xx = Object.entries(s.byStatus).reduce((n, [status, count]) => n + (status.startsWith('2') ? 0 : count), 0);
        counts.set(d.name, { items: s.itemsAccepted, requests: s.requests, rejected: s.itemsRejected, duplicates: s.duplicateEventIds, non2xx });
      }
      peaks.push(peakOf(connector, `connector (${role})`, 'from its start to the end of the phase'));
      await connector.stop();
      await stubs.reset();
      const problems: string[] = result.error === undefined ? [] : [result.error];
      for (const d of dests) {
        const s = counts.get(d.name);
        const f = result.destinations.find((x) => x.name === d.name);
        if (s === undefined || f === undefined) continue;
        if (s.rejected > 0) problems.push(`${d.name}: the stub refused ${s.rejected} items`);
        if (s.duplicates > 0) problems.push(`${d.name}: the stub saw ${s.duplicates} duplicate event ids`);
        if (s.non2xx > 0) problems.push(`${d.name}: the stub answered ${s.non2xx} requests with a non-2xx status`);
        if (windowS === undefined && s.items !== config.events * ITEMS_PER_EVENT[d.vendor]) problems.push(`${d.name}: the stub accepted ${s.items} items, expected ${config.events * ITEMS_PER_EVENT[d.vendor]}`);
      }
      if (problems.length > 0) throw new Error(problems.join('; '));
      notes.push(`CPU during the ${role} phase (connector healthy to the end of the measurement): ${describeCpu(cpu)}.`);
      return { result, stubs: counts, startupS, cpu };
    };

    // ---------------------------------------------------------------- feed
    if (has('feed')) {
      try {
        const settle = await settleBefore('feed', config.settleMaxS);
        if (topics === undefined || workload === undefined) throw new Error('no backlog');
        const file = writeDestinations(dir, 'feed.json', [], stubs);
        const connector = await launchService('connector', 'feed', runEnv(), connectorEnv(file), register);
        const admin = topics.kafka.admin();
        await admin.connect();
        try {
          const joinedAt = await waitForGroupStable(admin, `${tag}-feed`, 120_000, connector.alive);
          const meter = new CpuMeter(watched({ connector: connector.pid }));
          await connector.ready();
          const r = await measureFeed(connector, joinedAt, workload.total, config.drainTimeoutS, config.stallS);
          const cpu = meter.read();
          if (r.error !== undefined || r.doneAt === undefined) throw new Error(r.error ?? 'not drained');
          const publicEvents = totalOf(await endOffsets(topics.kafka, topics.publicTopic));
          if (publicEvents !== r.events) throw new Error(`the public topic holds ${publicEvents} events, the feed counted ${r.events}`);
          const seconds = (r.doneAt - r.joinedAt) / 1_000;
          feed = {
            rate: r.events / seconds,
            events: r.events,
            note:
              `Feed: group joined ${((r.joinedAt - connector.spawnedAt) / 1_000).toFixed(1)} s after the process was spawned (Node and Nest start; not timed); ${int(r.events)} public events published ` +
              `${seconds.toFixed(2)} s after the join (the feed counter scraped every 100 ms). CPU from the join: ${describeCpu(cpu)}.`,
          };
          notes.push(...busyNote('Feed', settle));
          peaks.push(peakOf(connector, 'connector (feed only)', 'from its start to the end of the feed'));
        } finally {
          await admin.disconnect().catch(() => undefined);
          await connector.stop();
        }
      } catch (error) {
        fail('feed', error);
      }
    }

    // ---------------------------------------------------------------- Kafka raw consume
    if (has('kafka')) {
      try {
        await settleBefore('kafka raw consume', config.settleMaxS);
        if (topics === undefined) throw new Error('no backlog');
        const ends = await endOffsets(topics.kafka, topics.publicTopic);
        if (totalOf(ends) === 0) throw new Error('the public topic is empty (the feed phase fills it)');
        const r = await measureKafkaRawConsume({ brokers, topic: topics.publicTopic, groupId: `${tag}-raw`, endOffsets: ends, timeoutS: config.drainTimeoutS, stallS: config.stallS }, register);
        if (r.error !== undefined) throw new Error(r.error);
        kafkaRaw = { rate: r.events / r.durationS, events: r.events };
      } catch (error) {
        fail('kafka', error);
      }
    }

    const deliveries: [PhaseName, string, readonly DestinationSpec[], number | undefined, (p: DeliveryPhase) => void][] = [
      ['batched', 'batched delivery', batchedDests, undefined, (p) => (batched = p)],
      ['naive', 'naive delivery', naiveDests, config.naiveS, (p) => (naive = p)],
      ['single', 'webhook and Voucherify delivery', singleDests, config.singleS, (p) => (single = p)],
    ];
    for (const [phase, label, dests, windowS, keep] of deliveries) {
      if (!has(phase)) continue;
      try {
        notes.push(...busyNote(label, await settleBefore(label, config.settleMaxS)));
        keep(await deliveryPhase(phase, dests, windowS));
      } catch (error) {
        fail(phase, error);
      }
    }

    // ---------------------------------------------------------------- Postgres raw
    if (has('postgres')) {
      try {
        await settleBefore('postgres raw', config.settleMaxS);
        if (database === undefined) throw new Error('no database');
        const r = await measurePostgresJournalPairs(database, runId, { connections: config.postgresConnections, warmupS: config.warmupS, durationS: config.durationS }, register);
        if (r.failures > 0) throw new Error(r.firstError ?? `${r.failures} failed round trips`);
        pgRaw = { rate: r.units / r.durationS, p50Ms: r.p50Ms, p99Ms: r.p99Ms };
      } catch (error) {
        fail('postgres', error);
      }
    }

    // ---------------------------------------------------------------- raw HTTP to the stubs
    if (has('http')) {
      try {
        await settleBefore('raw HTTP', config.settleMaxS);
        http = await measureHttpRaw(stubs, { connections: config.httpConnections, warmupS: config.warmupS, durationS: config.durationS });
        const bad = http.filter((h) => h.non2xx + h.errors > 0);
        if (bad.length > 0) throw new Error(bad.map((h) => `${h.label}: ${h.non2xx} non-2xx, ${h.errors} errors`).join('; '));
      } catch (error) {
        fail('http', error);
      }
    }

    // ---------------------------------------------------------------- latency
    if (has('latency')) {
      try {
        const e2eTopics = await provisionTopics(benchKafkaConfig(brokers, registryUrl, `bench.conn.${runId}.e2e.`), tag, register);
        const e2eDatabase = await createBenchDatabase(stackDatabase, `bench_connector_${runId}_e2e`, [MIGRATIONS.ingestion, MIGRATIONS.rules, MIGRATIONS.connector], register);
        await stubs.reset();
        notes.push(...busyNote('Latency', await settleBefore('latency', config.settleMaxS)));
        const env: RunEnv = { files, kafka: e2eTopics.config, database: e2eDatabase, programsDir, clockFile };
        const rulesIngestionGroup = `${tag}-e2e-ingestion-rules-commands`;
        const file = writeDestinations(dir, 'latency.json', latencyDests, stubs);
        const [rules, ingestion, connector] = await Promise.all([
          // A day's delay: no tenant day (expiries, warnings) starts while the window is timed.
          startService('rules', 'e2e-rules', env, { RULES_GROUP: `${tag}-e2e-rules`, RULES_INGESTION_GROUP: rulesIngestionGroup, RULES_DAY_DELAY_MS: String(86_400_000) }, register),
          startService('ingestion', 'e2e-ingestion', env, { RULES_COMMANDS_GROUP: rulesIngestionGroup, STOREFRONT_INPUT_GROUP: `${tag}-e2e-storefront` }, register),
          startService('connector', 'e2e-connector', env, connectorEnv(file, `${tag}-e2e`), register),
        ]);
        const publisher = ledgerPublisher(e2eTopics, 'bench-latency');
        try {
          latency = await measureLatency({
            tenantId,
            runId,
            rate: config.latencyRate,
            seconds: config.latencyS,
            samples: config.latencySamples,
            backgroundMembers: config.latencyMembers,
            ingestion,
            connector,
            apiKey,
            stubs,
            publisher,
            destinations: latencyDests,
            watched: watched({ connector: connector.pid, rules: rules.pid, ingestion: ingestion.pid }),
          });
        } finally {
          await publisher.close().catch(() => undefined);
          peaks.push(peakOf(connector, 'connector (latency phase)', 'from its start to the end of the phase'));
          peaks.push(peakOf(rules, 'rules (latency phase)', ''));
          peaks.push(peakOf(ingestion, 'ingestion (latency phase)', ''));
          for (const s of [connector, ingestion, rules]) await s.stop();
        }
      } catch (error) {
        fail('latency', error);
      }
    }
    peaks.push({ process: 'vendor stubs', pid: stubs.pid, kib: statusKib(stubs.pid, 'VmHWM'), note: 'one process for all four vendors, recording every item it accepts (reset after each phase)' });
  } catch (error) {
    fail('run', error);
  } finally {
    await cleanup.run();
    disarm();
  }

  // ---------------------------------------------------------------- the tables, in reading order
  const rows: ThroughputRow[] = [];
  const failedRow = (phase: string, load: string, unit: string, key: string): ThroughputRow => ({ phase, load, rate: undefined, unit, errors: failures.get(key) === undefined ? 'did not run' : 'see below', verdict: '**FAILED**' });
  const rateOf = (f: DestinationFigures | undefined) => (f !== undefined && f.spanS > 0 ? f.events / f.spanS : undefined);
  const reqRateOf = (f: DestinationFigures | undefined) => (f !== undefined && f.spanS > 0 ? f.requests / f.spanS : undefined);
  const totalOfFigures = (fs: readonly DestinationFigures[]) => {
    const firsts = fs.map((f) => f.firstAt).filter((t): t is number => t !== undefined);
    const ends = fs.map((f) => f.endAt).filter((t): t is number => t !== undefined);
    const events = fs.reduce((n, f) => n + f.events, 0);
    const spanS = fs.length > 0 && firsts.length === fs.length && ends.length === fs.length ? (Math.max(...ends) - Math.min(...firsts)) / 1_000 : 0;
    return { events, spanS, rate: spanS > 0 ? events / spanS : undefined, requests: fs.reduce((n, f) => n + f.requests, 0) };
  };
  const dest = (p: DeliveryPhase | undefined, name: string) => p?.result.destinations.find((d) => d.name === name);
  const destinationRow = (f: DestinationFigures, label: string, load: string, extra: Partial<ThroughputRow> = {}): ThroughputRow => ({
    phase: label,
    load,
    rate: rateOf(f),
    unit: 'events/s',
    requests: f.spanS > 0 && f.requests > 0 ? { perS: f.requests / f.spanS, eventsPer: f.events / f.requests, meanMs: f.meanRequestMs } : undefined,
    errors: f.failed + f.retried === 0 ? '0' : `${int(f.failed)} dead-lettered, ${int(f.retried)} retried`,
    ...extra,
  });
  const vendorLabel = (v: Vendor | undefined) => (v === 'braze' ? 'Braze' : v === 'webhook' ? 'Webhook' : v === 'voucherify' ? 'Voucherify' : 'Bloomreach');
  const up = (p: DeliveryPhase) => `connector healthy ${p.startupS.toFixed(1)} s after spawn (not timed)`;

  if (has('feed')) rows.push(feed === undefined ? failedRow('Feed: ledger → public topic', 'the backlog', 'events/s', 'feed') : { phase: 'Feed: ledger → public topic (the connector, no destination)', load: `${int(feed.events)} ledger events`, rate: feed.rate, unit: 'events/s', errors: '0', ofKafka: share(feed.rate, kafkaRaw?.rate) });
  if (has('kafka'))
    rows.push(
      kafkaRaw === undefined
        ? failedRow('Kafka raw consume of the public topic', 'the public topic', 'events/s', 'kafka')
        : { phase: 'Kafka raw consume of the public topic (kafkajs eachBatch, no-op handler)', load: `${int(kafkaRaw.events)} Avro public events, 16 partitions at once, 4 MiB per partition`, rate: kafkaRaw.rate, unit: 'events/s', errors: '0' },
    );
  if (has('batched')) {
    if (batched === undefined) rows.push(failedRow('Bloomreach + Braze, batched', `${int(config.events)} events to each`, 'events/s', 'batched'));
    else {
      const b = batched;
      for (const f of b.result.destinations) {
        const vendor = batchedDests.find((x) => x.name === f.name)?.vendor;
        const label = vendor === 'braze' ? 'Braze, batched (75 objects = 37 events per request)' : 'Bloomreach, batched (50 commands = 25 events per request)';
        rows.push(destinationRow(f, label, `${int(config.events)} events, concurrency ${config.concurrency}`, { ofKafka: share(rateOf(f), kafkaRaw?.rate), ratio: times(rateOf(f), rateOf(dest(naive, `${f.name}-naive`))) }));
      }
      const total = totalOfFigures(b.result.destinations);
      rows.push({
        phase: 'Bloomreach + Braze, batched, together',
        load: `${int(config.events)} events to each, one connector; ${up(b)}`,
        rate: total.rate,
        unit: 'events/s',
        requests: total.spanS > 0 && total.requests > 0 ? { perS: total.requests / total.spanS, eventsPer: total.events / total.requests, meanMs: undefined } : undefined,
        errors: '0',
        ofKafka: share(total.rate, kafkaRaw?.rate),
        ratio: times(total.rate, naive === undefined ? undefined : totalOfFigures(naive.result.destinations).rate),
        target: `≥ ${int(THROUGHPUT_TARGET)} events/s`,
        verdict: (total.rate ?? 0) >= THROUGHPUT_TARGET ? 'met' : 'missed',
      });
    }
  }
  if (has('naive')) {
    if (naive === undefined) rows.push(failedRow('Bloomreach + Braze, naive', 'batchSize 1, concurrency 1', 'events/s', 'naive'));
    else {
      for (const f of naive.result.destinations) rows.push(destinationRow(f, `${vendorLabel(naiveDests.find((x) => x.name === f.name)?.vendor)}, naive (batchSize 1, concurrency 1)`, `${config.naiveS} s window after its first delivery`));
      rows.push({ phase: 'Bloomreach + Braze, naive, together', load: `one connector; ${up(naive)}`, rate: totalOfFigures(naive.result.destinations).rate, unit: 'events/s', errors: '0' });
    }
  }
  if (has('single')) {
    if (single === undefined) rows.push(failedRow('Webhook + Voucherify', 'one request per event', 'events/s', 'single'));
    else {
      for (const f of single.result.destinations) {
        const label = f.name === 'webhook' ? 'Webhook (one signed request per event)' : 'Voucherify (customer upsert + event: two requests per event)';
        rows.push(destinationRow(f, label, `concurrency ${config.concurrency}, ${f.complete ? 'drained' : `${config.singleS} s window after its first delivery`}`, { ofKafka: share(rateOf(f), kafkaRaw?.rate) }));
      }
      rows.push({ phase: 'Webhook + Voucherify, together', load: `one connector; ${up(single)}`, rate: totalOfFigures(single.result.destinations).rate, unit: 'events/s', errors: '0' });
    }
  }
  if (has('postgres'))
    rows.push(
      pgRaw === undefined
        ? failedRow('Postgres raw: journal round trips', 'journal pairs', 'pairs/s', 'postgres')
        : {
            phase: 'Postgres raw: journal round trips (single-row insert, then update; each autocommitted)',
            load: `${config.postgresConnections} connections (the connector's pool size), connector_deliveries shape`,
            rate: pgRaw.rate,
            unit: 'pairs/s',
            p50Ms: pgRaw.p50Ms,
            p99Ms: pgRaw.p99Ms,
            errors: '0',
          },
    );
  if (has('http') && http.length === 0) rows.push(failedRow('HTTP raw to the stubs', 'autocannon', 'events/s', 'http'));
  for (const h of http) {
    rows.push({
      phase: `HTTP raw: ${h.label}`,
      load: `autocannon, ${config.httpConnections} connections, ${int(h.bodyBytes)}-byte body`,
      rate: h.requestsPerS * h.eventsPerRequest,
      unit: 'events/s',
      requests: { perS: h.requestsPerS, eventsPer: h.eventsPerRequest, meanMs: undefined },
      p50Ms: h.p50Ms,
      p99Ms: h.p99Ms,
      errors: h.non2xx + h.errors === 0 ? '0' : `${h.non2xx} non-2xx, ${h.errors} errors`,
    });
  }

  // Ratios: what the connector reaches of each ceiling.
  const ratios: ConnectorReport['ratios'][number][] = [];
  const httpFor = (prefix: string) => http.find((h) => h.label.startsWith(prefix));
  if (batched !== undefined && naive !== undefined) {
    ratios.push({ what: 'batched ÷ naive (Bloomreach + Braze together)', value: times(totalOfFigures(batched.result.destinations).rate, totalOfFigures(naive.result.destinations).rate), reading: 'what batching and concurrency buy' });
  }
  if (feed !== undefined && kafkaRaw !== undefined) ratios.push({ what: 'feed ÷ Kafka raw consume', value: share(feed.rate, kafkaRaw.rate), reading: 'the feed also decodes, folds member snapshots in Postgres (one transaction per partition batch) and produces the public events (acks=-1)' });
  if (batched !== undefined && kafkaRaw !== undefined) {
    ratios.push({ what: 'Bloomreach batched events/s ÷ Kafka raw consume', value: share(rateOf(dest(batched, 'bloomreach')), kafkaRaw.rate), reading: 'each destination reads the whole public topic in its own group' });
  }
  for (const [name, prefix] of [
    ['bloomreach', 'Bloomreach'],
    ['braze', 'Braze'],
  ] as const) {
    const f = dest(batched, name);
    const raw = httpFor(prefix);
    if (f !== undefined && raw !== undefined) ratios.push({ what: `${prefix} batched requests/s ÷ raw HTTP requests/s of the same body`, value: share(reqRateOf(f), raw.requestsPerS), reading: 'how close the connector comes to what the stub can answer' });
  }
  const webhook = dest(single, 'webhook');
  const rawWebhook = httpFor('webhook');
  if (webhook !== undefined && rawWebhook !== undefined) ratios.push({ what: 'webhook requests/s ÷ raw HTTP webhook requests/s', value: share(reqRateOf(webhook), rawWebhook.requestsPerS), reading: 'one request per event' });
  if (pgRaw !== undefined) {
    const b = batched === undefined ? undefined : totalOfFigures(batched.result.destinations);
    if (b !== undefined && b.spanS > 0) ratios.push({ what: 'batched requests/s (both) ÷ Postgres raw journal pairs/s', value: share(b.requests / b.spanS, pgRaw.rate), reading: 'each request costs the journal an insert and an update of all its events (plus a select per fetched batch)' });
    const s = single === undefined ? undefined : totalOfFigures(single.result.destinations);
    if (s !== undefined && s.spanS > 0) ratios.push({ what: 'webhook + Voucherify requests/s ÷ Postgres raw journal pairs/s', value: share(s.requests / s.spanS, pgRaw.rate), reading: 'one journal insert + update per request (a Voucherify event is two requests)' });
  }

  const latencyRows: LatencyRow[] = [];
  let latencySetup: string | undefined;
  if (latency !== undefined) {
    const l = latency;
    latencySetup =
      `Latency (purchase → tier change at the stub): the real ingestion, rules and connector processes on one database and topics of their own; background PointsEarned published straight to the ledger at ${int(config.latencyRate)} events/s ` +
      `for ${config.latencyS} s over ${int(config.latencyMembers)} members (achieved ${int(l.background.published / l.background.seconds)} events/s, ${int(l.background.crossings)} tier thresholds crossed, each decided by rules), ` +
      `${config.latencySamples} storefront purchases spread over the window. Destinations Bloomreach (batch 50), Braze (batch 75), webhook; concurrency ${config.concurrency}; delivered during the window: ` +
      `${[...l.deliveredPerS].map(([n, r]) => `${n.replace('lat-', '')} ${int(r)} events/s`).join(', ')}.`;
    for (const d of latencyDests) {
      const full = l.fullPath.get(d.name);
      if (full !== undefined) {
        const met = full.missing === 0 && full.n > 0 && full.p99Ms <= LATENCY_TARGET_MS;
        latencyRows.push({ path: 'full: POST /v1/purchases → ingestion → ledger → rules → ledger → connector → stub', destination: d.name.replace('lat-', ''), ...full, target: 'p99 ≤ 2,000 ms', verdict: met ? 'met' : 'missed' });
      }
    }
    for (const d of latencyDests) {
      const bg = l.rulesAndConnector.get(d.name);
      if (bg !== undefined) latencyRows.push({ path: 'background: ledger PointsEarned → rules → ledger → connector → stub', destination: d.name.replace('lat-', ''), ...bg, target: '—', verdict: '—' });
    }
    notes.push(
      `Latency: purchases answered p50 ${ms(l.samples.p50Ms)} ms, p99 ${ms(l.samples.p99Ms)} ms by ingestion (${l.samples.failed} failed); the background publisher fell behind its schedule by at most ${int(l.background.maxLagMs)} ms; ` +
        `after the window the destinations drained in ${l.drainS.toFixed(1)} s. CPU during the window: ${describeCpu(l.cpu)}. Times are the harness's wall clock (before the POST, or before the send of the crossing ledger event) ` +
        "against the stub's receivedAt (stamped when the request arrives), on the same machine. The split is at the TierChanged's recordedAt (the rules service's clock when it decided, inside its transaction): " +
        "before it, ingestion (full path), Kafka and the rules service's consumer; after it, the rules commit and outbox relay, the connector's feed, and the destination's delivery.",
    );
    if (l.samples.failed > 0) failures.set('latency purchases', `${l.samples.failed} purchases failed: ${l.samples.firstError ?? ''}`);
  }
  if (feed !== undefined) notes.unshift(feed.note);
  if (batched !== undefined || naive !== undefined || single !== undefined) {
    notes.push(
      "Destination rates come from the connector's `loyalty_connector_sent_total{destination}` (events the vendor accepted and the journal marked delivered), scraped every 100 ms: the difference between the first scrape " +
        "that sees a delivery and the one that sees the last (or the end of the window), over the time between them. Requests/s and their mean duration come from `loyalty_connector_request_duration_seconds` " +
        '(its timer starts before the wait for a concurrency slot, so with more partitions than slots the mean includes queueing). The stubs\' own counters were checked after each phase: nothing refused, ' +
        'no duplicate event id, no non-2xx answer and, after a drain, exactly the expected items (two per event).',
    );
  }

  const pg = postgres.stop();
  const pss = pg.pssKib === undefined ? 'unknown' : `${Math.round(pg.pssKib / 1024)} MiB`;
  peaks.push({ process: 'postgres (sum)', pid: undefined, kib: pg.rssKib, note: `VmRSS summed over ${pg.processes} processes, sampled each second (shared buffers counted once per process; PSS sum ${pss})` });
  peaks.push({ process: 'bench harness', pid: process.pid, kib: process.resourceUsage().maxRSS, note: 'the backlog producer, kafkajs, pg, autocannon, the background load, on the same cores' });

  const sourcesAtEnd = connectorSourcesHash(files.root);
  const report: ConnectorReport = {
    startedAt,
    machine: machineInfo(),
    smoke: isSmokeRun(config),
    setup: `Connector sources ${sourcesHash}${sourcesAtEnd === sourcesHash ? '' : ` at the start, **${sourcesAtEnd} at the end: the connector changed during the run**`}. ${setup.join(' ')} Destinations with rateLimitPerSecond ${int(NO_RATE_LIMIT)} and the stubs' limits raised alike, so neither limits the rate.${config.cpuProfDir === undefined ? '' : ' **The connector processes ran with --cpu-prof: figures are not comparable.**'}`,
    throughput: rows,
    ratios,
    latency: latencyRows,
    latencySetup,
    peaks,
    notes: [...[...failures].map(([phase, text]) => `${phase} failed: \`${(text.split('\n')[0] ?? text).replaceAll('`', "'")}\``), ...notes],
  };
  const markdown = renderReport(report);
  console.log(`\n${markdown}`);
  appendConnectorRun(markdown);
  console.error(`[bench] added to ${RESULTS_FILE}`);
  return failures.size > 0 ? 1 : 0;
}

runMain(main);
