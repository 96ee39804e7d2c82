// The tier evaluation (and its naive variant): the real rules service draining a backlog into a
// throwaway database. Timed as bench/projector/steady-state-apply.ts times the projector: from the
// moment Kafka reports its consumer group Stable with a member (polled every 50 ms through the
// admin API), so the Node start and the Nest boot are reported apart, to the moment every
// partition's stored offset (rules_offsets, polled every 100 ms) has reached the backlog's end.
//
// The rules service appends what it decides (TierChanged) to the very topic it consumes, behind the
// backlog. So the drain's end is the backlog's own end offsets, read before the process started,
// and only backlog events are counted. With `settle`, the process then runs on until its outbox is
// empty and it has folded its own events back too (the topic's current end reached and unchanged
// for a second): that time, and what it appended, are reported beside the rate, and the state is
// checked against the backlog's books.
import { type DatabaseConfig } from '@loyalty/config';
import { createKafkaClient } from '@loyalty/kafka';
import { type Admin } from 'kafkajs';
import { type Client } from 'pg';
import { type RegisterCleanup } from '../shared/cleanup';
import { type PeakRss, readPeak, trackPeaks } from '../shared/peak-rss';
import { type StackFiles } from '../shared/stack-files';
import { type DrainResult, drainTimes, raceDrain } from '../projector/drain';
import { type EndOffsets, type ThrowawayLedger, totalOf } from '../projector/throwaway-kafka';
import { type RunFiles } from './bench-program';
import { type RulesExpectation } from './rules-backlog';
import { rulesClient } from './rules-database';
import { type RulesDecisions, readDecisions } from './rules-metrics';
import { appliedWithin, reachedEnd, storedOffsets } from './rules-offsets';
import { type RulesProcess, startRules } from './rules-process';
import { type RulesStateCheck, checkRulesState } from './rules-state-check';

export interface RulesDrainSpec {
  readonly files: StackFiles;
  readonly role: 'tier' | 'naive';
  readonly ledger: ThrowawayLedger;
  readonly database: DatabaseConfig;
  readonly groupId: string;
  readonly ingestionGroup: string;
  readonly runFiles: RunFiles;
  readonly applyMode: 'batched' | 'naive';
  /** The backlog's end offsets, read before the process started: the drain ends there, and only events before them count. */
  readonly backlogEnds: EndOffsets;
  readonly timeoutS: number;
  readonly stallS: number;
  /** Run on until the process has published and folded back its own decisions, then check the state. */
  readonly settle?: { readonly tenantId: string; readonly expected: RulesExpectation };
}

export interface Settled {
  /** From the group join until the outbox was empty and the topic's end folded. */
  readonly afterJoinS: number;
  /** Events the process appended to the topic (its decisions). */
  readonly appended: number;
  readonly check: RulesStateCheck | undefined;
}

export interface RulesDrainResult extends DrainResult {
  readonly peak: PeakRss;
  readonly decisions: RulesDecisions | undefined;
  readonly settled: Settled | undefined;
}

const POLL_MS = 100;
const JOIN_POLL_MS = 50;
/** The topic's end unchanged and folded for this long counts as settled. */
const QUIET_MS = 1_000;

const DAY_MS = 86_400_000;

export async function measureRulesDrain(spec: RulesDrainSpec, registerCleanup: RegisterCleanup): Promise<RulesDrainResult> {
  const topic = spec.ledger.topology.topic;
  const total = totalOf(spec.backlogEnds);
  const watcher = rulesClient(spec.database, `${spec.role}-offsets-watch`, { statement_timeout: 10_000 });
  await watcher.connect();
  registerCleanup(`close the ${spec.role} offsets watcher`, () => watcher.end().catch(() => undefined));
  const admin = createKafkaClient(spec.ledger.kafka, 'bench-group-watch').admin();
  await admin.connect();
  registerCleanup(`close the ${spec.role} group watcher`, () => admin.disconnect().catch(() => undefined));

  // Registered before the spawn, so a run stopped meanwhile does not start it.
  const spawned: { process?: RulesProcess } = {};
  registerCleanup(`stop the benchmark's rules service (${spec.role})`, () => spawned.process?.stop() ?? Promise.resolve());
  const started = performance.now();
  const rules = await startRules({
    files: spec.files,
    role: spec.role,
    kafka: spec.ledger.kafka,
    database: spec.database,
    groupId: spec.groupId,
    ingestionGroup: spec.ingestionGroup,
    programsDir: spec.runFiles.programsDir,
    clockFile: spec.runFiles.clockFile,
    applyMode: spec.applyMode,
    dayDelayMs: DAY_MS,
  });
  spawned.process = rules;
  const label = `rules service (benchmark instance, ${spec.role === 'tier' ? 'tier evaluation' : 'naive variant'})`;
  const [tracked] = trackPeaks([{ process: label, pid: rules.pid }]);

  let joinedAt: number | undefined;
  let firstAt: number | undefined;
  let progressAt = started;
  let lastCount = 0;
  let died: string | undefined;
  let finish: (() => void) | undefined;
  const drained = new Promise<void>((resolve) => (finish = resolve));
  let polling = true;
  const deathNote = () => `the rules service exited (log ${rules.logFile}):\n${rules.logTail()}`;
  const poll = async () => {
    while (polling) {
      if (joinedAt === undefined) {
        const { groups } = await admin.describeGroups([spec.groupId]);
        const group = groups[0];
        if (group?.state === 'Stable' && group.members.length > 0) joinedAt = performance.now();
      }
      const stored = await storedOffsets(watcher, spec.groupId, topic);
      const now = performance.now();
      const count = appliedWithin(stored, spec.backlogEnds);
      if (count > lastCount) {
        lastCount = count;
        progressAt = now;
        firstAt ??= now;
      }
      if (reachedEnd(stored, spec.backlogEnds)) {
        finish?.();
        return;
      }
      if (!rules.alive()) {
        died = deathNote();
        finish?.();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, joinedAt === undefined ? JOIN_POLL_MS : POLL_MS));
    }
  };
  console.error(`[bench] ${spec.role}: the rules service drains ${total.toLocaleString('en-US')} events from ${topic}`);
  const polled = poll().catch((error: unknown) => {
    died = `watching the rules service failed: ${error instanceof Error ? error.message : String(error)}`;
    finish?.();
  });
  const timedOut = await raceDrain(drained, () => ({ progressAt, started }), spec.timeoutS, spec.stallS);
  polling = false;
  await polled;
  const endAt = progressAt;
  const events = lastCount;
  let error: string | undefined =
    died ?? timedOut ?? (joinedAt === undefined ? "the rules service's group was never seen Stable (joined) before the drain ended" : lastCount < total ? `stored offsets reached ${lastCount} of ${total}` : undefined);

  let settled: Settled | undefined;
  if (error === undefined && spec.settle !== undefined && joinedAt !== undefined) {
    const outcome = await settleDecisions(watcher, admin, spec, joinedAt, () => rules.alive());
    if (typeof outcome === 'string') error = rules.alive() ? outcome : deathNote();
    else {
      const check = await checkRulesState(watcher, spec.settle.tenantId, spec.settle.expected);
      settled = { ...outcome, check };
      error = check.mismatch;
    }
  }
  const decisions = rules.alive() ? await readDecisions(rules.port).catch(() => undefined) : undefined;
  // Read before the stop: the process's peak is gone with it.
  const peak = tracked === undefined ? { process: label, pid: rules.pid, kib: undefined, note: 'not tracked' } : readPeak(tracked);
  await rules.stop();
  await watcher.end().catch(() => undefined);
  await admin.disconnect().catch(() => undefined);
  return { events, ...drainTimes(started, joinedAt, firstAt, endAt), error, peak, decisions, settled };
}

/** Waits until the outbox is empty and the topic's current end is folded, unchanged for QUIET_MS; an error message otherwise. */
async function settleDecisions(
  watcher: Client,
  admin: Admin,
  spec: RulesDrainSpec,
  joinedAt: number,
  alive: () => boolean,
): Promise<Omit<Settled, 'check'> | string> {
  const topic = spec.ledger.topology.topic;
  const deadline = performance.now() + spec.timeoutS * 1_000;
  let quietSince: number | undefined;
  let lastEnd = -1;
  for (;;) {
    if (!alive()) return 'the rules service exited while publishing its decisions';
    if (performance.now() > deadline) return `its decisions were not published and folded back within ${spec.timeoutS} s`;
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
    const stored = await storedOffsets(watcher, spec.groupId, topic);
    const outbox = Number((await watcher.query<{ n: string }>('select count(*) as n from rules_outbox')).rows[0]?.n ?? 0);
    const end = totalOf(ends);
    const now = performance.now();
    if (outbox === 0 && reachedEnd(stored, ends) && end === lastEnd) {
      quietSince ??= now;
      if (now - quietSince >= QUIET_MS) return { afterJoinS: (quietSince - joinedAt) / 1_000, appended: end - totalOf(spec.backlogEnds) };
    } else {
      quietSince = undefined;
    }
    lastEnd = end;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
