// `npm run bench:projector`: the ledger projector (Kafka -> Postgres, and its query API) on the
// local stack, everything co-located. A backlog of BENCH_EVENTS realistic Avro events is produced
// once onto a throwaway ledger topic; then, in this order:
//   1. Kafka raw consume limit (kafkajs alone drains the backlog, handler does nothing);
//   2. Postgres raw bulk-insert limit (pg alone, ledger entries written the projector's way);
//   3. the real projector process draining the backlog into a throwaway database (target 30,000/s);
//   4. rebuild from the log: the log topped up to BENCH_REBUILD_EVENTS and applied by phase 3's
//      projector, then `npm run rebuild -- ledger` beside it, swapping (target 50,000/s);
//   5. the naive projector (one transaction per event) over the backlog's first events;
//   6. balance queries against the dev projector at a fixed rate, under an ingestion load;
//   7. peak RSS of the projector processes.
// Topics, registry subject, consumer groups, tables, databases and processes the run creates are
// removed at the end, also on failure or Ctrl-C. The dev stack's services are loaded, never restarted.
import { randomUUID } from 'node:crypto';
import { Cleanup, guardWithCleanup } from '../shared/cleanup';
import { type SettleResult, settleBefore } from '../shared/cpu-settle';
import { ensureStackUp } from '../shared/ensure-stack';
import { assertLoopbackHost, loopbackBrokers } from '../shared/loopback-brokers';
import { machineInfo } from '../shared/machine-info';
import { type PeakRss, type TrackedProcess, readPeak, trackPeaks } from '../shared/peak-rss';
import { fromCrash, fromTimedWrites } from '../shared/phase-outcome';
import { PostgresRssSampler } from '../shared/postgres-rss';
import { BENCH_MEMBERS } from '../shared/purchase-factory';
import { RESULTS_FILE, insertRun } from '../shared/results-file';
import { type TableLayout, renderRun } from '../shared/results-table';
import { runMain } from '../shared/run-main';
import { readStackDatabase } from '../shared/stack-database';
import { pidfileOf, readDevApiKey, readPidfile, readStackEnv, stackFiles } from '../shared/stack-files';
import { measureBalanceQueries } from './balance-query-latency';
import { type BenchConfig, type PhaseName, loadBenchConfig } from './bench-config';
import { type DrainResult } from './drain';
import { measureKafkaRawConsume } from './kafka-raw-consume';
import { LedgerBacklog } from './ledger-backlog';
import { measureNaiveProjector } from './naive-projector';
import { type PhaseId, type PhaseMeta, type PhaseOutcome, fromBalanceQueries, fromDrain, fromRebuild } from './phase-outcome';
import { measurePostgresRawLimit } from './postgres-raw-limit';
import { type ProjectorProcess } from './projector-process';
import { measureRebuild, rebuildNotes } from './rebuild-from-log';
import { measureSteadyStateApply } from './steady-state-apply';
import { createThrowawayDatabase } from './throwaway-database';
import { type FillResult, type ThrowawayLedger, fillBacklog, provisionThrowawayLedger, throwawayKafkaConfig } from './throwaway-kafka';

const STEADY_TARGET = { minRate: 30_000, label: '≥ 30,000' };
const REBUILD_TARGET = { minRate: 50_000, label: '≥ 50,000' };
/** The rebuild target is over this many events; fewer make a smoke run. */
const REBUILD_DEFAULT_EVENTS = 1_000_000;
const QUERY_P99_MS = 10;
/** The query rate counts as reached at 95 % of what was asked (autocannon's pacing is not exact). */
const QUERY_RATE_SHARE = 0.95;

/** The projector's runs close its section of bench/README.md, above this line. */
const RESULTS_MARKER = '<!-- bench:projector inserts its runs above this line -->';

/** The apply phases are shares of both raw limits; the ratio column is what batching buys. */
const TABLE: TableLayout<PhaseId> = {
  headingLevel: 4,
  kafkaRaw: 'kafka-consume',
  postgresRaw: 'postgres-raw',
  sharesOf: ['steady', 'rebuild', 'naive'],
  ratio: { column: 'steady ÷ naive', row: 'naive', numerator: 'steady', denominator: 'naive', digits: 1 },
  escapeNotes: true,
};

/** Generous, but finite: every drain, settle and timed phase at their own limits, and the cleanup. */
function timeBudgetMs(config: BenchConfig): number {
  // The rebuild adds the top-up's apply and the CLI, each bounded by BENCH_DRAIN_TIMEOUT_S.
  const drains = (config.phases.has('rebuild') ? 6 : 4) * config.drainTimeoutS;
  const settles = (config.phases.size + 1) * (config.settleMaxS + 60);
  const timed = 2 * (config.warmupS + config.durationS + 30);
  return (drains + settles + timed + 600) * 1_000;
}

/** Knobs below the defaults make a quick check, whose figures must not be compared with full runs. */
function isSmokeRun(config: BenchConfig): boolean {
  const rebuildShort = config.phases.has('rebuild') && config.rebuildEvents < REBUILD_DEFAULT_EVENTS;
  return config.events < 200_000 || config.naiveEvents < 5_000 || config.durationS < 20 || config.warmupS < 5 || rebuildShort;
}

const settle = (config: BenchConfig, label: string): Promise<SettleResult> => settleBefore(label, config.settleMaxS);

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** Where a drain's time went: start-up before the join is not in its rate. */
function drainNote(phase: string, startedWhen: string, r: DrainResult): string {
  const first = r.firstProgressS === undefined ? '' : `, first progress ${r.firstProgressS.toFixed(2)} s after the join`;
  return `${phase}: group joined ${r.startupS.toFixed(1)} s after ${startedWhen}; ${int(r.events)} events drained ${r.durationS.toFixed(2)} s after the join${first}.`;
}

async function main(): Promise<number> {
  const config = loadBenchConfig(process.env);
  const files = stackFiles();
  const queryUrl = `http://127.0.0.1:${config.queryPort}`;
  const ingestionUrl = `http://127.0.0.1:${config.ingestionPort}`;
  await ensureStackUp(files, queryUrl, config.upTimeoutS);
  // Read up front: missing credentials or a remote address stop the run before anything is created.
  const stackEnv = readStackEnv(files);
  const brokers = loopbackBrokers(stackEnv['KAFKA_BROKERS']);
  const registryUrl = stackEnv['SCHEMA_REGISTRY_URL'] ?? '';
  if (registryUrl === '') throw new Error('SCHEMA_REGISTRY_URL is not set in .stack/stack.env: is the stack up?');
  assertLoopbackHost(new URL(registryUrl).hostname, `schema registry ${registryUrl}`);
  const stackDatabase = readStackDatabase(files);
  const apiKey = config.phases.has('query') ? readDevApiKey(files) : '';
  const runId = randomUUID().slice(0, 8);
  const startedAt = new Date();
  const has = (phase: PhaseName) => config.phases.has(phase);

  const cleanup = new Cleanup();
  const disarm = guardWithCleanup(cleanup, timeBudgetMs(config));
  const register = (name: string, fn: () => Promise<void>) => cleanup.add(name, fn);
  const postgres = new PostgresRssSampler(files.postgresDataDir);
  postgres.start();

  const groups = { raw: `bench-raw-consume-${runId}`, steady: `bench-projector-${runId}`, naive: `bench-naive-projector-${runId}` };
  const phases: PhaseOutcome[] = [];
  const peaks: PeakRss[] = [];
  const notes: string[] = [];
  let backlogLine = 'No backlog (no phase needed one).';
  const backlogEvents = has('kafka') || has('steady') ? config.events : config.naiveEvents;
  // The rebuild's top-up is the rest of the same backlog (same members, spends from their earlier
  // buckets), published after the steady phase: phases 1 to 3 drain the first backlogEvents only.
  const logEvents = has('rebuild') ? Math.max(backlogEvents, config.rebuildEvents) : backlogEvents;
  const backlog = new LedgerBacklog({ tenantId: config.tenantId, runId, events: logEvents, spendPercent: config.spendPercent });
  try {
    // The backlog, once, for phases 1, 3 and 5 (phase 4 tops it up).
    let ledger: ThrowawayLedger | undefined;
    let fill: FillResult | undefined;
    let fillError: unknown;
    if (has('kafka') || has('steady') || has('naive')) {
      try {
        // The rebuild's consumer group (version 1 in a fresh database) is deleted by the CLI after a
        // swap only; the cleanup deletes it otherwise.
        const rebuildGroup = `${groups.steady}.rebuild-1`;
        ledger = await provisionThrowawayLedger(throwawayKafkaConfig(brokers, registryUrl, runId), [...Object.values(groups), rebuildGroup], register);
        console.error(`[bench] filling ${ledger.topology.topic} with ${int(backlogEvents)} events`);
        fill = await fillBacklog(ledger, backlog, config.fillBatch, backlogEvents);
        const { totals } = backlog;
        backlogLine =
          `Backlog: ${int(totals.events)} events (${int(totals.earned)} PointsEarned, a quarter of them pending; ${int(totals.spent)} PointsSpent) over ${int(BENCH_MEMBERS)} members, ` +
          `${fill.endOffsets.size} partitions, published Avro through KafkaEventPublisher in ${fill.durationS.toFixed(1)} s (${int(fill.events / fill.durationS)} events/s, not a measured phase).`;
      } catch (error) {
        fillError = error;
        backlogLine = 'The backlog could not be produced.';
      }
    }
    const withBacklog = async (meta: PhaseMeta, work: (ledger: ThrowawayLedger, fill: FillResult) => Promise<PhaseOutcome>): Promise<PhaseOutcome> => {
      if (ledger === undefined || fill === undefined) return fromCrash(meta, fillError ?? new Error('no backlog'));
      return work(ledger, fill).catch((e: unknown) => fromCrash(meta, e));
    };

    if (has('kafka')) {
      const meta: PhaseMeta = {
        id: 'kafka-consume',
        label: 'Kafka raw consume (kafkajs eachBatch, no-op handler)',
        unit: 'events/s',
        load: `${int(backlogEvents)} Avro events, 16 partitions at once, projector's fetch settings`,
        settle: await settle(config, 'kafka raw consume'),
      };
      phases.push(
        await withBacklog(meta, async (l, f) => {
          const r = await measureKafkaRawConsume({ brokers, topic: l.topology.topic, groupId: groups.raw, endOffsets: f.endOffsets, timeoutS: config.drainTimeoutS, stallS: config.stallS }, register);
          return fromDrain(meta, r, [drainNote('Kafka raw consume', 'the consumer connected', r)]);
        }),
      );
    }

    // The throwaway database, for phases 2, 3 and 4 (phase 5 has one of its own).
    let database: Awaited<ReturnType<typeof createThrowawayDatabase>> | undefined;
    let databaseError: unknown;
    if (has('postgres') || has('steady')) {
      try {
        database = await createThrowawayDatabase(stackDatabase, runId, '', register);
      } catch (error) {
        databaseError = error;
      }
    }

    if (has('postgres')) {
      const meta: PhaseMeta = {
        id: 'postgres-raw',
        label: 'Postgres raw (pg, insert … unnest, ledger_entries shape)',
        unit: 'rows/s',
        load: `${config.postgresConnections} connections × ${int(config.postgresBatch)}-row transactions`,
        settle: await settle(config, 'postgres raw limit'),
      };
      const spec = { runId, tenantId: config.tenantId, warmupS: config.warmupS, durationS: config.durationS, batchSize: config.postgresBatch, connections: config.postgresConnections };
      phases.push(
        database === undefined
          ? fromCrash(meta, databaseError)
          : await measurePostgresRawLimit({ ...spec, database }, register).then((r) => fromTimedWrites(meta, r, 'failed transactions'), (e: unknown) => fromCrash(meta, e)),
      );
    }

    // The steady phase's projector, left running (caught up) for the rebuild phase.
    let live: ProjectorProcess | undefined;
    if (has('steady')) {
      const meta: PhaseMeta = {
        id: 'steady',
        label: 'Projector steady state (the service, one process)',
        unit: 'events/s',
        load: `backlog of ${int(backlogEvents)} events`,
        target: STEADY_TARGET,
        settle: await settle(config, 'projector steady state'),
      };
      phases.push(
        database === undefined
          ? fromCrash(meta, databaseError)
          : await withBacklog(meta, async (l, f) => {
              const r = await measureSteadyStateApply(
                {
                  files,
                  ledger: l,
                  database,
                  groupId: groups.steady,
                  endOffsets: f.endOffsets,
                  expected: { ...backlog.totals },
                  timeoutS: config.drainTimeoutS,
                  stallS: config.stallS,
                  keepRunning: has('rebuild'),
                },
                register,
              );
              peaks.push(r.peak);
              live = r.running;
              return fromDrain(meta, r, [drainNote('Projector steady state', 'the process was spawned (Node and Nest start; migrations were applied beforehand)', r)]);
            }),
      );
    }

    if (has('rebuild')) {
      const meta: PhaseMeta = {
        id: 'rebuild',
        label: 'Rebuild from the log (npm run rebuild -- ledger, beside the live projector)',
        unit: 'events/s',
        load: `${int(logEvents)} events from offset zero, compared and swapped`,
        target: REBUILD_TARGET,
      };
      let settled: SettleResult | undefined;
      const running = live;
      phases.push(
        database === undefined || running === undefined
          ? fromCrash(meta, databaseError ?? new Error('the steady phase failed: no caught-up live projector to rebuild beside'))
          : await withBacklog(meta, async (l) => {
              const r = await measureRebuild(
                {
                  files,
                  ledger: l,
                  database,
                  live: running,
                  liveGroup: groups.steady,
                  backlog,
                  fillBatch: config.fillBatch,
                  timeoutS: config.drainTimeoutS,
                  stallS: config.stallS,
                  settle: async () => (settled = await settle(config, 'rebuild from the log')),
                },
                register,
              );
              peaks.push(...r.peaks);
              return fromRebuild({ ...meta, ...(settled === undefined ? {} : { settle: settled }) }, r, rebuildNotes(r, backlogEvents));
            }),
      );
      // Its work is done: the later phases run without it.
      await running?.stop();
    }

    if (has('naive')) {
      const events = Math.min(config.naiveEvents, backlogEvents);
      const meta: PhaseMeta = {
        id: 'naive',
        label: 'Naive projector (one transaction per event, in the harness)',
        unit: 'events/s',
        load: `first ${int(events)} events of the backlog`,
        settle: await settle(config, 'naive projector'),
      };
      phases.push(
        await withBacklog(meta, async (l) => {
          const naiveDatabase = await createThrowawayDatabase(stackDatabase, runId, 'naive', register);
          const r = await measureNaiveProjector({ brokers, ledger: l, database: naiveDatabase, groupId: groups.naive, events, timeoutS: config.drainTimeoutS, stallS: config.stallS }, register);
          return fromDrain(meta, r, [drainNote('Naive projector', 'the consumer connected', r)]);
        }),
      );
    }

    if (has('query')) {
      const meta: PhaseMeta = {
        id: 'query',
        label: 'GET /v1/members/{id}/balance (dev projector)',
        unit: 'req/s',
        load: `${int(config.queryRate)} req/s on ${config.queryConnections} connections over ${int(config.queryMembers)} members, purchases POSTed at ${int(config.ingestRate)}/s meanwhile`,
        target: { minRate: config.queryRate * QUERY_RATE_SHARE, maxP99Ms: QUERY_P99_MS, label: `p99 ≤ ${QUERY_P99_MS} ms at ${int(config.queryRate)} req/s` },
      };
      let tracked: TrackedProcess[] = [];
      let settled: SettleResult | undefined;
      try {
        const result = await measureBalanceQueries({
          ingestionUrl,
          queryUrl,
          apiKey,
          tenantId: config.tenantId,
          runId,
          members: config.queryMembers,
          queryRate: config.queryRate,
          queryConnections: config.queryConnections,
          ingestRate: config.ingestRate,
          ingestConnections: config.ingestConnections,
          warmupS: config.warmupS,
          durationS: config.durationS,
          timeoutS: config.drainTimeoutS,
          settle: async () => (settled = await settle(config, 'balance queries')),
          onLoadStart: () => {
            tracked = trackPeaks([
              { process: 'ledger-projector (dev stack, phase 6)', pid: readPidfile(pidfileOf(files, 'ledger-projector')) },
              { process: 'ingestion (dev stack, phase 6 background load)', pid: readPidfile(pidfileOf(files, 'ingestion')) },
            ]);
          },
          registerStop: register,
        });
        phases.push(fromBalanceQueries({ ...meta, ...(settled === undefined ? {} : { settle: settled }) }, result));
      } catch (error) {
        phases.push(fromCrash(meta, error));
      } finally {
        peaks.push(...tracked.map((t) => readPeak(t)));
      }
    }
  } finally {
    await cleanup.run();
    disarm();
  }

  const pg = postgres.stop();
  const pss = pg.pssKib === undefined ? 'unknown' : `${Math.round(pg.pssKib / 1024)} MiB`;
  peaks.push({
    process: 'postgres (sum)',
    pid: undefined,
    kib: pg.rssKib,
    note: `VmRSS summed over ${pg.processes} processes, sampled each second (shared buffers counted once per process; PSS sum ${pss})`,
  });
  peaks.push({ process: 'bench harness', pid: process.pid, kib: process.resourceUsage().maxRSS, note: 'the backlog producer, kafkajs, pg, autocannon and the naive projector, on the same cores' });

  if (phases.some((p) => (p.id === 'steady' || p.id === 'rebuild' || p.id === 'naive') && p.rate !== undefined) && phases.some((p) => p.id === 'postgres-raw' && p.rate !== undefined)) {
    notes.push('`of Postgres raw` is events per second over rows per second: the projector (and a rebuild, which applies events the same way) writes a ledger entry and a bucket (or bucket moves) and upserts a balance per event, plus the offsets per transaction, so its honest ceiling is well below 100 %.');
  }
  const setup = `${backlogLine} Drains are timed from the consumer group join to the end of every partition. Postgres raw and balance queries: warm-up ${config.warmupS} s, measured ${config.durationS} s.`;
  const markdown = renderRun({ startedAt, machine: machineInfo(), setup, smoke: isSmokeRun(config), phases, peaks, notes }, TABLE);
  console.log(`\n${markdown}`);
  insertRun(markdown, RESULTS_MARKER, "the projector's results");
  console.error(`[bench] added to ${RESULTS_FILE}`);
  return phases.some((p) => p.failed) ? 1 : 0;
}

runMain(main);
