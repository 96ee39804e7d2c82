// `npm run bench:rules`: the rules service (tier evaluation on the ledger, and the daily run) on the
// local stack, everything co-located. A backlog of BENCH_RULES_EVENTS realistic Avro ledger events
// is produced once onto a throwaway ledger topic; then, in this order:
//   1. Kafka raw consume limit (kafkajs alone drains the backlog, handler does nothing);
//   2. Postgres raw bulk-insert limit (pg alone, rules_members rows upserted the service's way);
//   3. tier evaluation: the real rules process draining the backlog into a throwaway database
//      (target 30,000 events/s), then publishing its TierChanged events and folding them back;
//   4. the naive variant: the same process with RULES_APPLY_MODE=naive (one transaction per event)
//      over the backlog's first BENCH_RULES_NAIVE_EVENTS events;
//   5. the daily run: BENCH_RULES_MEMBERS members holding BENCH_RULES_BUCKETS buckets seeded into a
//      throwaway database (the rules tables and ingestion's write model alike), the real rules
//      process's clock moved past the tenant's midnight, timed to the day done (target 60 s for 1M
//      members and 5M buckets), its commands decided by a real ingestion process of the run's own
//      (end to end; BENCH_RULES_DAY_INGESTION=stand-in: consumed by a stand-in, rules side only);
//   6. peak RSS of the rules processes (and of the daily run's ingestion).
// Topics, registry subjects, consumer groups, databases, files and processes the run creates are
// removed at the end, also on failure or Ctrl-C. The dev stack's services are neither used nor touched.
import { randomUUID } from 'node:crypto';
import { addDays, nextTenantDay, tenantDayOf, tenantDayStart } from '@loyalty/domain';
import { Cleanup, guardWithCleanup } from '../shared/cleanup';
import { type SettleResult, settleBefore } from '../shared/cpu-settle';
import { assertLoopbackHost, loopbackBrokers } from '../shared/loopback-brokers';
import { machineInfo } from '../shared/machine-info';
import { type PeakRss } from '../shared/peak-rss';
import { fromCrash, fromTimedWrites } from '../shared/phase-outcome';
import { PostgresRssSampler } from '../shared/postgres-rss';
import { RESULTS_FILE, insertRun } from '../shared/results-file';
import { type TableLayout, renderRun } from '../shared/results-table';
import { runMain } from '../shared/run-main';
import { readStackDatabase } from '../shared/stack-database';
import { readStackEnv, stackFiles } from '../shared/stack-files';
import { type DrainResult } from '../projector/drain';
import { measureKafkaRawConsume } from '../projector/kafka-raw-consume';
import { type BenchConfig, DEFAULTS, type PhaseName, loadBenchConfig } from './bench-config';
import { BENCH_PROGRAM, writeRunFiles } from './bench-program';
import { type DailyRunResult, measureDailyRun } from './daily-run';
import { migrateIngestionWriteModel } from './day-ingestion';
import { type DayExpectation, seedDay } from './day-seed';
import { ingestionBatchRate, ingestionEstimateNote } from './ingestion-estimate';
import { DAY_TARGET, type PhaseMeta, type PhaseOutcome, type PhaseId, fromDailyRun, fromDrain } from './phase-outcome';
import { measurePostgresRawLimit } from './postgres-raw-limit';
import { RulesBacklog } from './rules-backlog';
import { createRulesDatabase, rulesClient } from './rules-database';
import { measureRulesDrain } from './rules-drain';
import { countOf, describeCounts } from './rules-metrics';
import { type FillResult, type RulesTopics, fillRulesBacklog, provisionRulesTopics, rulesKafkaConfig } from './rules-topics';
import { assertStackReachable } from './stack-reachable';

const TIER_TARGET = { minRate: 30_000, label: '≥ 30,000' };
const DAY_RATE = DAY_TARGET.buckets / DAY_TARGET.seconds;

/** The rules service's runs close its section of bench/README.md, above this line. */
const RESULTS_MARKER = '<!-- bench:rules inserts its runs above this line -->';

/** The tier evaluation is a share of both raw limits; the ratio column is what batching buys. */
const TABLE: TableLayout<PhaseId> = {
  headingLevel: 4,
  kafkaRaw: 'kafka-consume',
  postgresRaw: 'postgres-raw',
  sharesOf: ['tier', 'naive'],
  ratio: { column: 'tier ÷ naive', row: 'naive', numerator: 'tier', denominator: 'naive', digits: 1 },
  escapeNotes: true,
};

/** Generous, but finite: every drain, the seed, the day and the settles at their own limits, and the cleanup. */
function timeBudgetMs(config: BenchConfig): number {
  const drains = 4 * config.drainTimeoutS;
  // Seeding runs at some tens of thousands of rows per second here; a minute per million is ample.
  const seed = 120 + Math.ceil((config.buckets + config.members) / 1_000_000) * 60;
  const settles = (config.phases.size + 1) * (config.settleMaxS + 60);
  return (drains + seed + config.dayTimeoutS + settles + config.warmupS + config.durationS + 600) * 1_000;
}

/** Knobs below the defaults make a quick check, whose figures must not be compared with full runs. */
function isSmokeRun(config: BenchConfig): boolean {
  const has = (p: PhaseName) => config.phases.has(p);
  return (
    ((has('kafka') || has('tier')) && config.events < DEFAULTS.events) ||
    (has('naive') && config.naiveEvents < DEFAULTS.naiveEvents) ||
    (has('day') && (config.members < DEFAULTS.members || config.buckets < DEFAULTS.buckets)) ||
    (has('postgres') && (config.durationS < 20 || config.warmupS < 5))
  );
}

const settle = (config: BenchConfig, label: string): Promise<SettleResult> => settleBefore(label, config.settleMaxS);
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const seconds = (s: number | undefined) => (s === undefined ? '—' : `${s.toFixed(1)} s`);

/** What the real ingestion did with the day's commands. */
function ingestionNote(published: ReadonlyMap<string, number>, ingestion: DailyRunResult['ingestion']): string {
  const outcome = ingestion?.outcome;
  if (outcome === undefined) return `Daily run: the rules service published ${describeCounts(published)} (commands); ingestion's command records could not be read.`;
  const appended = new Map([
    ['PointsActivated', countOf(outcome.events, 'activate-points')],
    ['PointsExpired', countOf(outcome.events, 'expire-points')],
    ['ReengagementOfferGranted', countOf(outcome.events, 'grant-offer')],
  ]);
  const dead = ingestion?.deadLettered === undefined ? 'unknown' : int(ingestion.deadLettered);
  return (
    `Daily run: the rules service published ${describeCounts(published)} (commands); ingestion recorded ${describeCounts(outcome.recorded)} and appended ${describeCounts(appended)} ` +
    `(rejected ${int(outcome.rejected)}, dead-lettered ${dead}, decided nothing on ${int([...outcome.recorded].reduce((n, [type, recorded]) => n + recorded - countOf(outcome.applied, type), 0))}).`
  );
}

function drainNote(phase: string, startedWhen: string, r: DrainResult): string {
  const first = r.firstProgressS === undefined ? '' : `, first progress ${r.firstProgressS.toFixed(2)} s after the join`;
  return `${phase}: group joined ${r.startupS.toFixed(1)} s after ${startedWhen}; ${int(r.events)} events drained ${r.durationS.toFixed(2)} s after the join${first}.`;
}

/** The tenant's next day but one: whatever the wall clock does during the seed, the day has not begun yet. */
function runDay(): { day: string; lastDayDone: string; dayStart: string; windowEnd: string } {
  const zone = BENCH_PROGRAM.timeZone;
  const lastDayDone = nextTenantDay(tenantDayOf(new Date().toISOString(), zone));
  const day = nextTenantDay(lastDayDone);
  const dayStart = tenantDayStart(day, zone);
  return { day, lastDayDone, dayStart, windowEnd: addDays(dayStart, BENCH_PROGRAM.expiryWarningDays) };
}

async function main(): Promise<number> {
  const config = loadBenchConfig(process.env);
  const files = stackFiles();
  // Read up front: missing credentials or a remote address stop the run before anything is created.
  const stackEnv = readStackEnv(files);
  const brokers = loopbackBrokers(stackEnv['KAFKA_BROKERS']);
  const registryUrl = stackEnv['SCHEMA_REGISTRY_URL'] ?? '';
  if (registryUrl === '') throw new Error('SCHEMA_REGISTRY_URL is not set in .stack/stack.env: is the stack up?');
  assertLoopbackHost(new URL(registryUrl).hostname, `schema registry ${registryUrl}`);
  const stackDatabase = readStackDatabase(files);
  await assertStackReachable(brokers, registryUrl, stackDatabase);
  const runId = randomUUID().slice(0, 8);
  const startedAt = new Date();
  const has = (phase: PhaseName) => config.phases.has(phase);
  const tenantId = config.tenant;

  const cleanup = new Cleanup();
  const disarm = guardWithCleanup(cleanup, timeBudgetMs(config));
  const register = (name: string, fn: () => Promise<void>) => cleanup.add(name, fn);
  const postgres = new PostgresRssSampler(files.postgresDataDir);
  postgres.start();

  const groups = {
    raw: `bench-rules-raw-consume-${runId}`,
    tier: `bench-rules-${runId}`,
    naive: `bench-rules-naive-${runId}`,
    day: `bench-rules-day-${runId}`,
    ingestion: `bench-rules-ingestion-${runId}`,
    storefront: `bench-rules-ingestion-storefront-${runId}`,
  };
  const phases: PhaseOutcome[] = [];
  const peaks: PeakRss[] = [];
  const notes: string[] = [];
  const setup: string[] = [];
  const naiveShare = Math.min(config.naiveEvents, config.events);
  try {
    const runFiles = writeRunFiles(tenantId, runId, register);

    // The backlog, once, for phases 1 and 3 (phase 4 gets its first events on a topic of its own).
    let topics: RulesTopics | undefined;
    let backlog: RulesBacklog | undefined;
    let fill: FillResult | undefined;
    let fillError: unknown;
    if (has('kafka') || has('tier')) {
      try {
        topics = await provisionRulesTopics(rulesKafkaConfig(brokers, registryUrl, `bench.rules.${runId}.`), [groups.raw, groups.tier, groups.ingestion], register);
        backlog = new RulesBacklog({ tenantId, runId, events: config.events, members: config.eventMembers });
        console.error(`[bench] filling ${topics.ledger.topology.topic} with ${int(config.events)} events over ${int(config.eventMembers)} members`);
        fill = await fillRulesBacklog(topics.ledger, backlog, config.fillBatch, config.events);
        setup.push(
          `Backlog: ${int(fill.events)} events over ${int(backlog.expectation().members)} members (${describeCounts(backlog.counts)}), ${fill.endOffsets.size} partitions, ` +
            `published Avro through KafkaEventPublisher in ${fill.durationS.toFixed(1)} s (${int(fill.events / fill.durationS)} events/s, not a measured phase).`,
        );
      } catch (error) {
        fillError = error;
        setup.push('The backlog could not be produced.');
      }
    }
    const withBacklog = async (meta: PhaseMeta, work: (t: RulesTopics, f: FillResult, b: RulesBacklog) => Promise<PhaseOutcome>): Promise<PhaseOutcome> => {
      if (topics === undefined || fill === undefined || backlog === undefined) return fromCrash(meta, fillError ?? new Error('no backlog'));
      const [t, f, b] = [topics, fill, backlog];
      return work(t, f, b).catch((e: unknown) => fromCrash(meta, e));
    };

    if (has('kafka')) {
      const meta: PhaseMeta = {
        id: 'kafka-consume',
        label: 'Kafka raw consume (kafkajs eachBatch, no-op handler)',
        unit: 'events/s',
        load: `${int(config.events)} Avro events, 16 partitions at once, the service's fetch settings`,
        settle: await settle(config, 'kafka raw consume'),
      };
      phases.push(
        await withBacklog(meta, async (t, f) => {
          const r = await measureKafkaRawConsume({ brokers, topic: t.ledger.topology.topic, groupId: groups.raw, endOffsets: f.endOffsets, timeoutS: config.drainTimeoutS, stallS: config.stallS }, register);
          return fromDrain(meta, r, [drainNote('Kafka raw consume', 'the consumer connected', r)]);
        }),
      );
    }

    // The tier evaluation's database, also the Postgres raw limit's (its rules_members is the shape).
    let tierDatabase: Awaited<ReturnType<typeof createRulesDatabase>> | undefined;
    let tierDatabaseError: unknown;
    if (has('postgres') || has('tier')) {
      try {
        tierDatabase = await createRulesDatabase(stackDatabase, runId, 'tier', register);
      } catch (error) {
        tierDatabaseError = error;
      }
    }

    if (has('postgres')) {
      const meta: PhaseMeta = {
        id: 'postgres-raw',
        label: 'Postgres raw (pg, insert … unnest … on conflict, rules_members shape)',
        unit: 'rows/s',
        load: `${config.postgresConnections} connections × ${int(config.postgresBatch)}-row transactions`,
        settle: await settle(config, 'postgres raw limit'),
      };
      const spec = { runId, tenantId, warmupS: config.warmupS, durationS: config.durationS, batchSize: config.postgresBatch, connections: config.postgresConnections };
      phases.push(
        tierDatabase === undefined
          ? fromCrash(meta, tierDatabaseError)
          : await measurePostgresRawLimit({ ...spec, database: tierDatabase }, register).then((r) => fromTimedWrites(meta, r, 'failed transactions'), (e: unknown) => fromCrash(meta, e)),
      );
    }

    if (has('tier')) {
      const meta: PhaseMeta = {
        id: 'tier',
        label: 'Tier evaluation (the rules service, one process)',
        unit: 'events/s',
        load: `backlog of ${int(config.events)} events`,
        target: TIER_TARGET,
        settle: await settle(config, 'tier evaluation'),
      };
      const database = tierDatabase;
      phases.push(
        database === undefined
          ? fromCrash(meta, tierDatabaseError)
          : await withBacklog(meta, async (t, f, b) => {
              const expected = b.expectation();
              const r = await measureRulesDrain(
                {
                  files,
                  role: 'tier',
                  ledger: t.ledger,
                  database,
                  groupId: groups.tier,
                  ingestionGroup: groups.ingestion,
                  runFiles,
                  applyMode: 'batched',
                  backlogEnds: f.endOffsets,
                  timeoutS: config.drainTimeoutS,
                  stallS: config.stallS,
                  settle: { tenantId, expected },
                },
                register,
              );
              peaks.push(r.peak);
              const tierNotes = [drainNote('Tier evaluation', 'the process was spawned (Node and Nest start; migrations were applied beforehand)', r)];
              if (r.settled !== undefined) {
                const published = r.decisions === undefined ? 'its decisions' : describeCounts(r.decisions.events);
                const tiers = Object.entries(r.settled.check?.tiers ?? {}).map(([tier, n]) => `${int(n)} ${tier}`).join(', ');
                tierNotes.push(
                  `Tier evaluation, then: the service appended ${int(r.settled.appended)} events of its own to the topic it consumes (${published}) and folded them back, ` +
                    `settled (outbox empty, the topic's end applied) ${r.settled.afterJoinS.toFixed(2)} s after the join; not in the rate, which counts the backlog's events up to its own end offsets.`,
                  `Tier evaluation checked: ${int(expected.members)} members (${tiers}) with the backlog's ${int(expected.qualifying)} qualifying points, ${int(expected.trackedBuckets)} tracked buckets holding ${int(expected.trackedRemaining)} points, every tier the one the points support.`,
                );
              }
              return fromDrain(meta, r, tierNotes);
            }),
      );
    }

    if (has('naive')) {
      const meta: PhaseMeta = {
        id: 'naive',
        label: 'Naive variant (the rules service, RULES_APPLY_MODE=naive: one transaction per event)',
        unit: 'events/s',
        load: `first ${int(naiveShare)} events of the backlog`,
      };
      const run = async (): Promise<PhaseOutcome> => {
        // The backlog's first events, generated alike (same seed, same members and steps), on a
        // topic of their own: the naive variant drains exactly them, in batches no bigger than they are.
        const naiveTopics = await provisionRulesTopics(rulesKafkaConfig(brokers, registryUrl, `bench.rules.${runId}.naive.`), [groups.naive], register);
        const naiveFill = await fillRulesBacklog(naiveTopics.ledger, new RulesBacklog({ tenantId, runId, events: config.events, members: config.eventMembers }), config.fillBatch, naiveShare);
        const database = await createRulesDatabase(stackDatabase, runId, 'naive', register);
        const settled = await settle(config, 'naive variant');
        const r = await measureRulesDrain(
          {
            files,
            role: 'naive',
            ledger: naiveTopics.ledger,
            database,
            groupId: groups.naive,
            ingestionGroup: groups.ingestion,
            runFiles,
            applyMode: 'naive',
            backlogEnds: naiveFill.endOffsets,
            timeoutS: config.drainTimeoutS,
            stallS: config.stallS,
          },
          register,
        );
        peaks.push(r.peak);
        return fromDrain({ ...meta, settle: settled }, r, [drainNote('Naive variant', 'the process was spawned', r)]);
      };
      phases.push(await run().catch((e: unknown) => fromCrash(meta, e)));
    }

    if (has('day')) {
      const { day, lastDayDone, dayStart, windowEnd } = runDay();
      const real = config.dayIngestion === 'real';
      const meta: PhaseMeta = {
        id: 'day',
        label: real ? 'Daily run, end to end (the rules service and ingestion, one process each)' : "Daily run, rules side only (the rules service; ingestion's decisions excluded)",
        unit: 'buckets/s',
        load: `${int(config.members)} members holding ${int(config.buckets)} buckets, one tenant; ${real ? 'commands decided by ingestion' : 'commands consumed by a stand-in'}`,
        target: { minRate: DAY_RATE, label: `≤ ${DAY_TARGET.seconds} s for ${int(DAY_TARGET.members)} members / ${int(DAY_TARGET.buckets)} buckets (≥ ${int(DAY_RATE)} buckets/s)` },
      };
      let expected: DayExpectation | undefined;
      try {
        const dayTopics = await provisionRulesTopics(rulesKafkaConfig(brokers, registryUrl, `bench.rules.${runId}.day.`), [groups.day, groups.ingestion, groups.storefront], register);
        const database = await createRulesDatabase(stackDatabase, runId, 'day', register);
        // Ingestion's write model beside the rules tables, migrated here so it can be seeded first
        // (ingestion finds its migrations applied when it starts).
        if (real) await migrateIngestionWriteModel(database);
        const seeder = rulesClient(database, 'seed');
        await seeder.connect();
        try {
          console.error(`[bench] daily run: seeding ${int(config.members)} members and ${int(config.buckets)} buckets for ${day} (tenant ${tenantId}, ${BENCH_PROGRAM.timeZone})${real ? ", rules' and ingestion's" : ''}`);
          expected = await seedDay(
            seeder,
            { tenantId, members: config.members, buckets: config.buckets, dayStart, lastDayDone, windowEnd, pendingDays: BENCH_PROGRAM.pendingDays, ingestion: real },
            (line) => console.error(`[bench] daily run: ${line}`),
          );
        } finally {
          await seeder.end().catch(() => undefined);
        }
        const seeded = expected;
        const settled = await settle(config, 'daily run');
        const r = await measureDailyRun(
          {
            files,
            brokers,
            topics: dayTopics,
            database,
            groupId: groups.day,
            ingestionGroup: groups.ingestion,
            storefrontGroup: groups.storefront,
            ingestion: config.dayIngestion,
            runFiles,
            tenantId,
            day,
            dayStart,
            expected: seeded,
            timeoutS: config.dayTimeoutS,
          },
          register,
        );
        peaks.push(r.peak);
        if (r.ingestion !== undefined) peaks.push(r.ingestion.peak);
        const t = r.timeline;
        const events = r.decisions?.events ?? new Map<string, number>();
        const tierRate = phases.find((p) => p.id === 'tier')?.rate;
        const movements = countOf(r.commands, 'activate-points') + countOf(r.commands, 'expire-points');
        const seedNote =
          `Daily run for ${day} (${BENCH_PROGRAM.timeZone}, starting ${dayStart}): the seed holds ${int(seeded.members)} members (${Object.entries(seeded.tiers).map(([tier, n]) => `${int(n)} ${tier}`).join(', ')}) and ${int(seeded.buckets)} buckets, ` +
          `written with generate_series${real ? " into the rules tables and ingestion's write model alike (checked to agree bucket by bucket)" : ''} and vacuumed in ${seeded.seedS.toFixed(1)} s (not timed). Due: ${int(seeded.activations)} activations and ${int(seeded.expiries)} expiries over ${int(seeded.dueMembers)} members (first half), ` +
          `${int(seeded.dayEndMembers)} members with points in the warning window or an offer owed (second half), ${int(seeded.warnings)} buckets entering the window, ${int(seeded.offers)} offers owed.`;
        const dayNotes = real
          ? [
              seedNote,
              `Daily run, end to end: ingestion (its own process, on the seeded write model, RULES_COMMANDS_GROUP = the rules service's RULES_INGESTION_GROUP) was in its group ${seconds(r.ingestion?.startupS)} after it was spawned, the rules service answered /health ${r.startupS.toFixed(1)} s after its spawn (neither timed); ` +
                `after the clock moved past midnight: first step ${seconds(t.startedS)}, commands decided ${seconds(t.commandsDecidedS)}, ingestion's first commit ${seconds(t.commandsFirstConsumedS)} and last before the second half ${seconds(t.commandsConsumedS)} (its group's offsets, polled every 100 ms), ` +
                `its events folded back and the second half begun ${seconds(t.dayEndStartedS)}, **day done ${seconds(t.doneS)}** (the rate is the buckets over this), ` +
                `rules outbox empty ${seconds(t.publishedS)}, every command consumed by ingestion (the offers too) ${seconds(t.allCommandsConsumedS)}, everything folded back by the rules service ${seconds(t.foldedS)}.`,
              ingestionNote(r.commands, r.ingestion),
              `Daily run: the rules service published ${describeCounts(events)}.`,
            ]
          : [
              seedNote,
              `Daily run: the service answered /health ${r.startupS.toFixed(1)} s after it was spawned (not timed); after the clock moved past midnight: first step ${seconds(t.startedS)}, commands decided ${seconds(t.commandsDecidedS)}, ` +
                `last command committed by the stand-in ${seconds(t.commandsConsumedS)}, second half from ${seconds(t.dayEndStartedS)}, **day done ${seconds(t.doneS)}** (the rate is the buckets over this), ` +
                `outbox empty ${seconds(t.publishedS)}, its own events folded back ${seconds(t.foldedS)}.`,
              `Daily run decided ${describeCounts(r.commands)} (commands, read by the stand-in) and published ${describeCounts(events)}.`,
              ingestionEstimateNote(movements, movements, ingestionBatchRate(config.ingestionBatchRate), tierRate),
            ];
        phases.push(fromDailyRun({ ...meta, settle: settled }, r, seeded, dayNotes));
      } catch (error) {
        phases.push(fromCrash(meta, error));
      }
      setup.push(
        `Daily run: ${int(config.members)} members, ${int(config.buckets)} buckets, tenant ${tenantId}, the seeds' default program (Bronze / Silver / Gold at 0 / 1,000 / 5,000, temporary points for 90 days, warnings 7 days ahead), ` +
          `${real ? 'commands decided by the real ingestion (BENCH_RULES_DAY_INGESTION=real).' : 'commands consumed by a stand-in (BENCH_RULES_DAY_INGESTION=stand-in).'}`,
      );
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
  peaks.push({ process: 'bench harness', pid: process.pid, kib: process.resourceUsage().maxRSS, note: `the backlog producer and its books, kafkajs and pg${has('day') && config.dayIngestion === 'stand-in' ? ', the ingestion stand-in' : ''}, on the same cores` });

  if (phases.some((p) => (p.id === 'tier' || p.id === 'naive') && p.rate !== undefined) && phases.some((p) => p.id === 'postgres-raw' && p.rate !== undefined)) {
    notes.push(
      '`of Postgres raw` is events per second over rows per second: per batch the service locks and reads its members and their buckets, records the deduplicated event ids, upserts members and buckets, queues its decisions and stores the offset, so its honest ceiling is well below 100 %.',
    );
  }
  const setupLine = `${setup.join(' ')} Drains are timed from the consumer group join to the backlog's end on every partition. Postgres raw: warm-up ${config.warmupS} s, measured ${config.durationS} s.`;
  const markdown = renderRun({ startedAt, machine: machineInfo(), setup: setupLine, smoke: isSmokeRun(config), phases, peaks, notes }, TABLE);
  console.log(`\n${markdown}`);
  insertRun(markdown, RESULTS_MARKER, "the rules service's results");
  console.error(`[bench] added to ${RESULTS_FILE}`);
  return phases.some((p) => p.failed) ? 1 : 0;
}

runMain(main);
