// The daily run: the real rules service, started on the seeded database with an empty ledger topic
// of its own and its clock (LOYALTY_CLOCK_FILE) on the day before the run's day, so it idles, and
// whatever decides its commands (BENCH_RULES_DAY_INGESTION):
// - `real` (the default, end to end): an ingestion process of the run's own (./day-ingestion) on
//   the same database, whose write model was seeded with the rules tables, the same clock file and
//   programs, consuming the command topic in the group the rules service waits for
//   (RULES_COMMANDS_GROUP = RULES_INGESTION_GROUP). It decides the activations and expiries under
//   each member's lock and appends PointsActivated and PointsExpired, which the rules service folds
//   back before the day's second half; later the offers (ReengagementOfferGranted).
// - `stand-in` (the rules side only): ./ingestion-stub, a consumer in the harness that commits the
//   commands and decides nothing.
// Once the rules service answers /health and the commands' consumer has joined its group (for
// ingestion: /health, then Kafka reports the group Stable with a member), the clock is moved to
// 1 s past the tenant's next midnight (the file is renamed into place; the services look at it
// every 200 ms, the rules scheduler at each tick, every RULES_TICK_MS, 1 s by default). Timed from
// that move to rules_tenants.last_day_done becoming the run's day (polled every 100 ms), with the
// moments the day went from its first half (activation and expiry commands decided, member chunks
// of 2,000) to waiting on the commands, and from there to its second half (warnings, downgrade
// risks, offers), read from the tenant's phase; when the commands' group first and last committed
// before the second half (polled every 100 ms; the stand-in's own commits for it). Then on until
// the rules outbox is empty (every decision on Kafka), the commands' group has consumed every
// command (the second half's offers too) and, with ingestion, its batches are all published, and
// the rules service has folded everything on its ledger topic back (its own events and
// ingestion's). The day is checked against the seed: one command per due activation and expiry,
// one offer per member owed one, one PointsExpiringSoon per bucket entering the warning window;
// with ingestion also what ingestion recorded and appended, and the state both left.
import { type DatabaseConfig } from '@loyalty/config';
import { createKafkaClient } from '@loyalty/kafka';
import { type RegisterCleanup } from '../shared/cleanup';
import { waitForHealthy } from '../shared/http-health';
import { type PeakRss, type TrackedProcess, readPeak, trackPeaks } from '../shared/peak-rss';
import { sleep } from '../shared/service-process';
import { type StackFiles } from '../shared/stack-files';
import { totalOf } from '../projector/throwaway-kafka';
import { type DayIngestionMode } from './bench-config';
import { type RunFiles } from './bench-program';
import {
  type DayIngestionProcess,
  GroupCommitWatcher,
  type IngestionOutcome,
  readIngestionOutcome,
  rulesCommandsDlqTopic,
  spawnDayIngestion,
  waitForIngestion,
} from './day-ingestion';
import { type DayExpectation } from './day-seed';
import { type IngestionStub, startIngestionStub } from './ingestion-stub';
import { rulesClient } from './rules-database';
import { type RulesDecisions, countOf, readDecisions } from './rules-metrics';
import { reachedEnd, storedOffsets } from './rules-offsets';
import { type RulesProcess, startRules } from './rules-process';
import { type RulesTopics } from './rules-topics';

export interface DailyRunSpec {
  readonly files: StackFiles;
  readonly brokers: readonly string[];
  readonly topics: RulesTopics;
  readonly database: DatabaseConfig;
  readonly groupId: string;
  /** The group that consumes the commands: the rules service's RULES_INGESTION_GROUP, ingestion's RULES_COMMANDS_GROUP. */
  readonly ingestionGroup: string;
  /** Ingestion's STOREFRONT_INPUT_GROUP (real mode): one of the run's own. */
  readonly storefrontGroup: string;
  readonly ingestion: DayIngestionMode;
  readonly runFiles: RunFiles;
  readonly tenantId: string;
  readonly day: string;
  readonly dayStart: string;
  readonly expected: DayExpectation;
  readonly timeoutS: number;
}

/** Seconds after the clock moved; undefined when the moment never came. */
export interface DayTimeline {
  /** The day's first step committed (its first chunk of members). */
  readonly startedS: number | undefined;
  /** First half done: every due member decided, the day waits for its commands. */
  readonly commandsDecidedS: number | undefined;
  /** The commands' group first committed (ingestion decided its first commands). */
  readonly commandsFirstConsumedS: number | undefined;
  /** The commands' group last committed before the second half: the first half's commands consumed. */
  readonly commandsConsumedS: number | undefined;
  /** The day's second half began (with ingestion: its events folded back). */
  readonly dayEndStartedS: number | undefined;
  /** last_day_done became the day. */
  readonly doneS: number | undefined;
  /** The rules outbox was empty: every decision on Kafka. */
  readonly publishedS: number | undefined;
  /** Every command on the topic (the offers too) consumed, and with ingestion its events published. */
  readonly allCommandsConsumedS: number | undefined;
  /** The rules service had folded everything back (its stored offsets at the ledger topic's end). */
  readonly foldedS: number | undefined;
}

/** The real ingestion's part of the day. */
export interface DayIngestionResult {
  readonly startupS: number;
  readonly peak: PeakRss;
  /** Undefined when it could not be read. */
  readonly outcome: IngestionOutcome | undefined;
  /** Messages on ingestion's dead-letter topic for rules commands. */
  readonly deadLettered: number | undefined;
}

export interface DailyRunResult {
  readonly mode: DayIngestionMode;
  readonly timeline: DayTimeline;
  /** Commands by type: read by the stand-in, or (with ingestion) as the rules service published them. */
  readonly commands: ReadonlyMap<string, number>;
  readonly decisions: RulesDecisions | undefined;
  readonly peak: PeakRss;
  readonly startupS: number;
  readonly ingestion: DayIngestionResult | undefined;
  readonly error: string | undefined;
}

const POLL_MS = 100;
const HEALTH_TIMEOUT_MS = 120_000;

type MutableTimeline = { -readonly [K in keyof DayTimeline]: DayTimeline[K] };

/** What consumes the commands: the stand-in, or the real ingestion process. */
type CommandSide = { readonly kind: 'stand-in'; readonly stub: IngestionStub } | { readonly kind: 'real'; readonly process: DayIngestionProcess; readonly spawnedAt: number };

export async function measureDailyRun(spec: DailyRunSpec, registerCleanup: RegisterCleanup): Promise<DailyRunResult> {
  const ledgerTopic = spec.topics.ledger.topology.topic;
  const commandsTopic = spec.topics.commandsTopic;
  const real = spec.ingestion === 'real';
  const watcher = rulesClient(spec.database, 'day-watch', { statement_timeout: 30_000 });
  await watcher.connect();
  registerCleanup('close the daily run watcher', () => watcher.end().catch(() => undefined));
  const admin = createKafkaClient(spec.topics.ledger.kafka, 'bench-day-watch').admin();
  await admin.connect();
  registerCleanup('close the daily run topic watcher', () => admin.disconnect().catch(() => undefined));

  // Registered before the spawns, so a run stopped meanwhile does not start them; stopped in the
  // reverse order (the rules service first, then ingestion).
  const spawned: { rules?: RulesProcess; ingestion?: DayIngestionProcess } = {};
  registerCleanup("stop the benchmark's ingestion service (day)", () => spawned.ingestion?.stop() ?? Promise.resolve());
  registerCleanup("stop the benchmark's rules service (day)", () => spawned.rules?.stop() ?? Promise.resolve());
  let side: CommandSide;
  if (real) {
    const spawnedAt = performance.now();
    const ingestionProcess = await spawnDayIngestion({
      files: spec.files,
      kafka: spec.topics.ledger.kafka,
      database: spec.database,
      commandsGroup: spec.ingestionGroup,
      storefrontGroup: spec.storefrontGroup,
      programsDir: spec.runFiles.programsDir,
      clockFile: spec.runFiles.clockFile,
    });
    spawned.ingestion = ingestionProcess;
    side = { kind: 'real', process: ingestionProcess, spawnedAt };
  } else {
    side = { kind: 'stand-in', stub: await startIngestionStub(spec.brokers, commandsTopic, spec.ingestionGroup, registerCleanup) };
  }

  const spawnedAt = performance.now();
  const rules = await startRules({
    files: spec.files,
    role: 'day',
    kafka: spec.topics.ledger.kafka,
    database: spec.database,
    groupId: spec.groupId,
    ingestionGroup: spec.ingestionGroup,
    programsDir: spec.runFiles.programsDir,
    clockFile: spec.runFiles.clockFile,
    applyMode: 'batched',
    dayDelayMs: 0,
  });
  spawned.rules = rules;
  const label = 'rules service (benchmark instance, daily run)';
  const ingestionLabel = 'ingestion (benchmark instance, daily run)';
  const deathNote = () => `the rules service exited (log ${rules.logFile}):\n${rules.logTail()}`;
  const ingestionDeathNote = (p: DayIngestionProcess) => `the ingestion service exited (log ${p.logFile}):\n${p.logTail()}`;
  let error: string | undefined;
  const timeline: MutableTimeline = {
    startedS: undefined,
    commandsDecidedS: undefined,
    commandsFirstConsumedS: undefined,
    commandsConsumedS: undefined,
    dayEndStartedS: undefined,
    doneS: undefined,
    publishedS: undefined,
    allCommandsConsumedS: undefined,
    foldedS: undefined,
  };
  try {
    await waitForHealthy(`http://127.0.0.1:${rules.port}`, HEALTH_TIMEOUT_MS, () => rules.alive());
  } catch (e) {
    error = rules.alive() ? (e as Error).message : deathNote();
  }
  const startupS = (performance.now() - spawnedAt) / 1_000;
  let ingestionStartupS = 0;
  if (error === undefined && side.kind === 'real') {
    const p = side.process;
    try {
      await waitForIngestion(p, admin, spec.ingestionGroup, HEALTH_TIMEOUT_MS);
    } catch (e) {
      error = p.alive() ? (e as Error).message : ingestionDeathNote(p);
    }
    ingestionStartupS = (performance.now() - side.spawnedAt) / 1_000;
  }
  const [tracked] = trackPeaks([{ process: label, pid: rules.pid }]);
  const [ingestionTracked] = side.kind === 'real' ? trackPeaks([{ process: ingestionLabel, pid: side.process.pid }]) : [];
  const commits = new GroupCommitWatcher(admin, spec.ingestionGroup, commandsTopic, POLL_MS);
  commits.start();

  if (error === undefined) {
    console.error(`[bench] daily run: moving the clock to 1 s past ${spec.dayStart} (the start of ${spec.day}, tenant ${spec.tenantId}); commands decided by ${real ? 'ingestion' : 'the stand-in'}`);
    const movedAt = performance.now();
    spec.runFiles.setClockOffset(Date.parse(spec.dayStart) + 1_000 - Date.now());
    const since = () => (performance.now() - movedAt) / 1_000;
    const at = (t: number | undefined) => (t === undefined || t < movedAt ? undefined : (t - movedAt) / 1_000);
    const lastCommitAt = () => (side.kind === 'stand-in' ? side.stub.lastCommitAt() : commits.lastCommitAt());
    const alive = (): string | undefined => {
      if (!rules.alive()) return deathNote();
      if (side.kind === 'real' && !side.process.alive()) return ingestionDeathNote(side.process);
      return undefined;
    };
    const deadline = movedAt + spec.timeoutS * 1_000;
    error = await follow(spec, watcher, timeline, since, () => at(lastCommitAt()), alive, deadline);
    timeline.commandsFirstConsumedS = at(commits.firstCommitAt());
    if (error === undefined) {
      // Every decision on Kafka, every command consumed (and ingestion's events published), then
      // everything on the ledger topic folded back by the rules service's own consumer.
      for (;;) {
        error = alive();
        if (error !== undefined) break;
        if (performance.now() > deadline) {
          error = `the day's decisions were not published, consumed and folded back within ${spec.timeoutS} s`;
          break;
        }
        const outbox = await count(watcher, 'select count(*) as n from rules_outbox');
        if (outbox === 0) timeline.publishedS ??= since();
        if (timeline.publishedS !== undefined && outbox === 0) {
          const commandEnds = new Map((await admin.fetchTopicOffsets(commandsTopic)).map((o) => [o.partition, Number(o.high)]));
          const unpublished = real ? await count(watcher, 'select count(*) as n from ingestion_batches where events is not null') : 0;
          if (commits.reached(commandEnds) && unpublished === 0) {
            timeline.allCommandsConsumedS ??= since();
            const ends = new Map((await admin.fetchTopicOffsets(ledgerTopic)).map((o) => [o.partition, Number(o.high)]));
            const stored = await storedOffsets(watcher, spec.groupId, ledgerTopic);
            if (totalOf(ends) === 0 || reachedEnd(stored, ends)) {
              timeline.foldedS = since();
              break;
            }
          }
        }
        await sleep(POLL_MS);
      }
    }
  }
  await commits.stop();
  const decisions = rules.alive() ? await readDecisions(rules.port).catch(() => undefined) : undefined;
  const peak = tracked === undefined ? { process: label, pid: rules.pid, kib: undefined, note: 'not tracked' } : readPeak(tracked, 'from the clock move to everything folded back');
  let ingestion: DayIngestionResult | undefined;
  if (side.kind === 'real') {
    ingestion = {
      startupS: ingestionStartupS,
      peak: peakOf(ingestionTracked, ingestionLabel, side.process.pid, 'from the clock move to everything folded back'),
      outcome: await readIngestionOutcome(watcher).catch(() => undefined),
      deadLettered: await admin
        .fetchTopicOffsets(rulesCommandsDlqTopic(spec.topics.ledger.kafka))
        .then((offsets) => offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0))
        .catch(() => undefined),
    };
  }
  await rules.stop();
  if (side.kind === 'real') await side.process.stop();
  else await side.stub.stop();
  let commands: ReadonlyMap<string, number>;
  if (side.kind === 'stand-in') {
    commands = new Map(side.stub.counts);
    error ??= checkDay(spec.expected, commands, side.stub.malformed(), decisions);
  } else {
    commands = decisions?.commands ?? new Map<string, number>();
    if (error === undefined) error = checkRealDay(spec, decisions, ingestion, await stateLeft(watcher, spec).catch((e: unknown) => `the state could not be read: ${String(e)}`));
  }
  await watcher.end().catch(() => undefined);
  await admin.disconnect().catch(() => undefined);
  return { mode: spec.ingestion, timeline, commands, decisions, peak, startupS, ingestion, error };
}

function peakOf(tracked: TrackedProcess | undefined, label: string, pid: number, note: string): PeakRss {
  return tracked === undefined ? { process: label, pid, kib: undefined, note: 'not tracked' } : readPeak(tracked, note);
}

async function count(client: ReturnType<typeof rulesClient>, query: string): Promise<number> {
  return Number((await client.query<{ n: string }>(query)).rows[0]?.n ?? 0);
}

/** Polls the tenant's day until it is done; an error message when it is not. */
async function follow(
  spec: DailyRunSpec,
  watcher: ReturnType<typeof rulesClient>,
  timeline: MutableTimeline,
  since: () => number,
  lastCommitS: () => number | undefined,
  alive: () => string | undefined,
  deadline: number,
): Promise<string | undefined> {
  for (;;) {
    const died = alive();
    if (died !== undefined) return `during the day, ${died}`;
    if (performance.now() > deadline) return `the day was not done within ${spec.timeoutS} s (phase ${await phaseOf(watcher, spec.tenantId)})`;
    const row = (await watcher.query<{ last_day_done: string; phase: string; day: string | null }>(
      "select last_day_done, phase, phase_state->>'day' as day from rules_tenants where tenant_id = $1",
      [spec.tenantId],
    )).rows[0];
    if (row === undefined) return `tenant ${spec.tenantId} vanished from rules_tenants`;
    const done = row.last_day_done === spec.day;
    if (row.day !== null || row.phase !== 'idle' || done) timeline.startedS ??= since();
    if (row.phase === 'movements' || row.phase === 'day-end' || done) timeline.commandsDecidedS ??= since();
    if (row.phase === 'day-end' || done) {
      if (timeline.dayEndStartedS === undefined) {
        timeline.dayEndStartedS = since();
        timeline.commandsConsumedS = lastCommitS();
      }
    }
    if (done) {
      timeline.doneS = since();
      return undefined;
    }
    await sleep(POLL_MS);
  }
}

async function phaseOf(watcher: ReturnType<typeof rulesClient>, tenantId: string): Promise<string> {
  const row = (await watcher.query<{ phase: string; state: string }>('select phase, phase_state::text as state from rules_tenants where tenant_id = $1', [tenantId])).rows[0];
  return row === undefined ? 'unknown' : `${row.phase}, ${row.state}`;
}

/** The day against the seed: what it had to send and warn about. */
function checkDay(expected: DayExpectation, commands: ReadonlyMap<string, number>, malformed: number, decisions: RulesDecisions | undefined): string | undefined {
  const problems = [
    countOf(commands, 'activate-points') === expected.activations ? '' : `${countOf(commands, 'activate-points')} activate-points commands for ${expected.activations} pending buckets due`,
    countOf(commands, 'expire-points') === expected.expiries ? '' : `${countOf(commands, 'expire-points')} expire-points commands for ${expected.expiries} buckets due to expire`,
    countOf(commands, 'grant-offer') === expected.offers ? '' : `${countOf(commands, 'grant-offer')} grant-offer commands for ${expected.offers} members owed an offer`,
    malformed === 0 ? '' : `${malformed} commands were not JSON with a type`,
    warningsProblem(expected, decisions),
  ].filter((p) => p.length > 0);
  return problems.length === 0 ? undefined : `daily run check: ${problems.join('; ')}`;
}

function warningsProblem(expected: DayExpectation, decisions: RulesDecisions | undefined): string {
  if (decisions === undefined) return 'its /metrics could not be read';
  const warned = countOf(decisions.events, 'PointsExpiringSoon');
  return warned === expected.warnings ? '' : `${warned} PointsExpiringSoon published for ${expected.warnings} buckets entering the warning window`;
}

/** What is left to do once the day is done and folded back: nothing, on either side. */
interface StateLeft {
  /** rules_buckets still pending although due, or not expired although due (VIPs' temporary points excepted). */
  readonly rulesActivationsDue: number;
  readonly rulesExpiriesDue: number;
  /** rules_members still owed an offer. */
  readonly offersOwed: number;
  /** ingestion_buckets expired, and still pending although due. */
  readonly ingestionExpired: number;
  readonly ingestionActivationsDue: number;
}

async function stateLeft(client: ReturnType<typeof rulesClient>, spec: DailyRunSpec): Promise<StateLeft> {
  const { rows } = await client.query<Record<string, string>>(
    `select
       (select count(*) from rules_buckets where tenant_id = $1 and pending and active_from <= $2) as rules_activations_due,
       (select count(*) from rules_buckets b join rules_members m using (tenant_id, member_id)
         where b.tenant_id = $1 and not b.expired and b.expires_at <= $2 and not (b.expires_at is not null and 'vip' = any(m.custom_tiers))) as rules_expiries_due,
       (select count(*) from rules_members where tenant_id = $1 and offer_due_for is not null) as offers_owed,
       (select count(*) from ingestion_buckets where tenant_id = $1 and expired) as ingestion_expired,
       (select count(*) from ingestion_buckets where tenant_id = $1 and pending and active_from::timestamptz <= $2) as ingestion_activations_due`,
    [spec.tenantId, spec.dayStart],
  );
  const row = rows[0] ?? {};
  const n = (key: string) => Number(row[key] ?? 0);
  return {
    rulesActivationsDue: n('rules_activations_due'),
    rulesExpiriesDue: n('rules_expiries_due'),
    offersOwed: n('offers_owed'),
    ingestionExpired: n('ingestion_expired'),
    ingestionActivationsDue: n('ingestion_activations_due'),
  };
}

/**
 * The day end to end: the rules service sent what the seed holds due (offers: at least the members
 * owed one; members its expiries take down a tier are owed one the same day), ingestion recorded
 * each command once and applied every one (no no-op, no rejection, nothing dead-lettered, every
 * batch published), and neither side has anything due left.
 */
function checkRealDay(spec: DailyRunSpec, decisions: RulesDecisions | undefined, ingestion: DayIngestionResult | undefined, left: StateLeft | string): string | undefined {
  const { expected } = spec;
  const published = decisions?.commands ?? new Map<string, number>();
  const outcome = ingestion?.outcome;
  const types = ['activate-points', 'expire-points', 'grant-offer'];
  const problems = [
    countOf(published, 'activate-points') === expected.activations ? '' : `${countOf(published, 'activate-points')} activate-points commands for ${expected.activations} pending buckets due`,
    countOf(published, 'expire-points') === expected.expiries ? '' : `${countOf(published, 'expire-points')} expire-points commands for ${expected.expiries} buckets due to expire`,
    countOf(published, 'grant-offer') >= expected.offers ? '' : `${countOf(published, 'grant-offer')} grant-offer commands for ${expected.offers} members owed an offer`,
    warningsProblem(expected, decisions),
    ...(outcome === undefined
      ? ["ingestion's command records could not be read"]
      : [
          ...types.map((t) =>
            countOf(outcome.recorded, t) === countOf(published, t) && countOf(outcome.applied, t) === countOf(published, t)
              ? ''
              : `ingestion recorded ${countOf(outcome.recorded, t)} ${t} commands (${countOf(outcome.applied, t)} applied) for ${countOf(published, t)} published`,
          ),
          outcome.rejected === 0 ? '' : `ingestion rejected ${outcome.rejected} commands`,
          outcome.noOpReasons.length === 0 ? '' : `ingestion decided nothing on some: ${outcome.noOpReasons.join('; ')}`,
          outcome.unpublishedBatches === 0 ? '' : `${outcome.unpublishedBatches} of ingestion's batches unpublished`,
        ]),
    ingestion?.deadLettered === 0 ? '' : `${ingestion?.deadLettered ?? 'an unknown number of'} commands dead-lettered by ingestion`,
    ...(typeof left === 'string'
      ? [left]
      : [
          left.rulesActivationsDue === 0 ? '' : `${left.rulesActivationsDue} rules buckets still pending although due`,
          left.rulesExpiriesDue === 0 ? '' : `${left.rulesExpiriesDue} rules buckets not expired although due`,
          left.offersOwed === 0 ? '' : `${left.offersOwed} members still owed an offer`,
          left.ingestionExpired === expected.expiries ? '' : `${left.ingestionExpired} ingestion buckets expired for ${expected.expiries} due`,
          left.ingestionActivationsDue === 0 ? '' : `${left.ingestionActivationsDue} ingestion buckets still pending although due`,
        ]),
  ].filter((p) => p.length > 0);
  return problems.length === 0 ? undefined : `daily run check: ${problems.join('; ')}`;
}
