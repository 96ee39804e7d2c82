// The daily run: the real rules service, started on the seeded database with an empty ledger topic
// of its own and its clock (LOYALTY_CLOCK_FILE) on the day before the run's day, so it idles. Once
// it answers /health and the ingestion stand-in has joined the command topic's group, the clock is
// moved to 1 s past the tenant's next midnight (the file is renamed into place; the service looks
// at it every 200 ms and at the scheduler's tick, every RULES_TICK_MS, 1 s by default). Timed from
// that move to rules_tenants.last_day_done becoming the run's day (polled every 100 ms), with the
// moments the day went from its first half (activation and expiry commands decided, member chunks
// of 2,000) to waiting on the commands, and from there to its second half (warnings, downgrade
// risks, offers), read from the tenant's phase. Then on until the outbox is empty (every decision
// on Kafka) and the service has folded its own events back.
// The commands are consumed by ./ingestion-stub, which commits them and decides nothing: the figure
// is the rules side only. The day is checked against the seed: one command per due activation
// and expiry, one offer per member owed one, one PointsExpiringSoon per bucket entering the
// warning window.
import { type DatabaseConfig } from '@loyalty/config';
import { createKafkaClient } from '@loyalty/kafka';
import { type RegisterCleanup } from '../shared/cleanup';
import { waitForHealthy } from '../shared/http-health';
import { type PeakRss, readPeak, trackPeaks } from '../shared/peak-rss';
import { sleep } from '../shared/service-process';
import { type StackFiles } from '../shared/stack-files';
import { totalOf } from '../projector/throwaway-kafka';
import { type RunFiles } from './bench-program';
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
  readonly ingestionGroup: string;
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
  /** Ingestion (the stand-in) committed the last command. */
  readonly commandsConsumedS: number | undefined;
  /** The day's second half began. */
  readonly dayEndStartedS: number | undefined;
  /** last_day_done became the day. */
  readonly doneS: number | undefined;
  /** The outbox was empty: every decision on Kafka. */
  readonly publishedS: number | undefined;
  /** The service had folded its own events back (its stored offsets at the topic's end). */
  readonly foldedS: number | undefined;
}

export interface DailyRunResult {
  readonly timeline: DayTimeline;
  readonly commands: ReadonlyMap<string, number>;
  readonly decisions: RulesDecisions | undefined;
  readonly peak: PeakRss;
  readonly startupS: number;
  readonly error: string | undefined;
}

const POLL_MS = 100;
const HEALTH_TIMEOUT_MS = 120_000;

export async function measureDailyRun(spec: DailyRunSpec, registerCleanup: RegisterCleanup): Promise<DailyRunResult> {
  const ledgerTopic = spec.topics.ledger.topology.topic;
  const stub = await startIngestionStub(spec.brokers, spec.topics.commandsTopic, spec.ingestionGroup, registerCleanup);
  const watcher = rulesClient(spec.database, 'day-watch', { statement_timeout: 30_000 });
  await watcher.connect();
  registerCleanup('close the daily run watcher', () => watcher.end().catch(() => undefined));
  const admin = createKafkaClient(spec.topics.ledger.kafka, 'bench-day-watch').admin();
  await admin.connect();
  registerCleanup('close the daily run topic watcher', () => admin.disconnect().catch(() => undefined));

  // Registered before the spawn, so a run stopped meanwhile does not start it.
  const spawned: { process?: RulesProcess } = {};
  registerCleanup("stop the benchmark's rules service (day)", () => spawned.process?.stop() ?? Promise.resolve());
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
  spawned.process = rules;
  const label = 'rules service (benchmark instance, daily run)';
  const deathNote = () => `the rules service exited (log ${rules.logFile}):\n${rules.logTail()}`;
  let error: string | undefined;
  const timeline: { -readonly [K in keyof DayTimeline]: DayTimeline[K] } = {
    startedS: undefined,
    commandsDecidedS: undefined,
    commandsConsumedS: undefined,
    dayEndStartedS: undefined,
    doneS: undefined,
    publishedS: undefined,
    foldedS: undefined,
  };
  try {
    await waitForHealthy(`http://127.0.0.1:${rules.port}`, HEALTH_TIMEOUT_MS, () => rules.alive());
  } catch (e) {
    error = rules.alive() ? (e as Error).message : deathNote();
  }
  const startupS = (performance.now() - spawnedAt) / 1_000;
  const [tracked] = trackPeaks([{ process: label, pid: rules.pid }]);

  if (error === undefined) {
    console.error(`[bench] daily run: moving the clock to 1 s past ${spec.dayStart} (the start of ${spec.day}, tenant ${spec.tenantId})`);
    const movedAt = performance.now();
    spec.runFiles.setClockOffset(Date.parse(spec.dayStart) + 1_000 - Date.now());
    const since = () => (performance.now() - movedAt) / 1_000;
    const deadline = movedAt + spec.timeoutS * 1_000;
    error = await follow(spec, watcher, stub, movedAt, timeline, since, () => rules.alive(), deadline);
    if (error === undefined) {
      // Every decision on Kafka, then folded back by the service's own consumer.
      for (;;) {
        if (!rules.alive()) {
          error = deathNote();
          break;
        }
        if (performance.now() > deadline) {
          error = `the day's decisions were not published and folded back within ${spec.timeoutS} s`;
          break;
        }
        const outbox = Number((await watcher.query<{ n: string }>('select count(*) as n from rules_outbox')).rows[0]?.n ?? 0);
        if (outbox === 0) timeline.publishedS ??= since();
        if (timeline.publishedS !== undefined) {
          const ends = new Map((await admin.fetchTopicOffsets(ledgerTopic)).map((o) => [o.partition, Number(o.high)]));
          const stored = await storedOffsets(watcher, spec.groupId, ledgerTopic);
          if (totalOf(ends) === 0 || reachedEnd(stored, ends)) {
            timeline.foldedS = since();
            break;
          }
        }
        await sleep(POLL_MS);
      }
    } else if (!rules.alive()) {
      error = deathNote();
    }
  }
  const decisions = rules.alive() ? await readDecisions(rules.port).catch(() => undefined) : undefined;
  const peak = tracked === undefined ? { process: label, pid: rules.pid, kib: undefined, note: 'not tracked' } : readPeak(tracked, 'from the clock move to its own events folded back');
  await rules.stop();
  await stub.stop();
  await watcher.end().catch(() => undefined);
  await admin.disconnect().catch(() => undefined);
  const commands = new Map(stub.counts);
  error ??= checkDay(spec.expected, commands, stub.malformed(), decisions);
  return { timeline, commands, decisions, peak, startupS, error };
}

/** Polls the tenant's day until it is done; an error message when it is not. */
async function follow(
  spec: DailyRunSpec,
  watcher: ReturnType<typeof rulesClient>,
  stub: IngestionStub,
  movedAt: number,
  timeline: { -readonly [K in keyof DayTimeline]: DayTimeline[K] },
  since: () => number,
  alive: () => boolean,
  deadline: number,
): Promise<string | undefined> {
  for (;;) {
    if (!alive()) return 'the rules service exited during the day';
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
        const committed = stub.lastCommitAt();
        if (committed !== undefined) timeline.commandsConsumedS = (committed - movedAt) / 1_000;
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
    decisions === undefined
      ? 'its /metrics could not be read'
      : countOf(decisions.events, 'PointsExpiringSoon') === expected.warnings
        ? ''
        : `${countOf(decisions.events, 'PointsExpiringSoon')} PointsExpiringSoon published for ${expected.warnings} buckets entering the warning window`,
  ].filter((p) => p.length > 0);
  return problems.length === 0 ? undefined : `daily run check: ${problems.join('; ')}`;
}
