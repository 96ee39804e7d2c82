// Phase 4: REBUILD FROM THE LOG, with the rebuild command as an operator runs it (`npm run rebuild
// -- ledger`, i.e. infra/bin/rebuild, a black box: benchmark code may not import an app), against
// the steady phase's throwaway topic and database while that phase's projector keeps running as
// the live one (the rebuild compares its offsets and hands them over at the swap).
//   1. The log is topped up to BENCH_REBUILD_EVENTS with the rest of the same backlog, and the live
//      projector applies it (neither timed); the live projection is then checked against the log.
//   2. After a quiet CPU, the CLI is spawned with the stack's environment plus the throwaway topic
//      prefix, database and the live projector's group, its output captured (progress echoed).
//   3. Its exit code must be 0 (a swap) and its last line `version <n> is live: <events> events built
//      in <s> s ...`: the rate is the log's events over the CLI's build seconds; the wall time from
//      spawn to exit is measured here too.
//   4. The swap is checked from outside: the previous tables in `ledger_prev_<n>`, no build schema
//      left, public.member_balances equal to them row for row and to the log's totals, the live
//      group's offsets at the end of the log, and the live projector still running.
// The schemas go with the throwaway database at cleanup.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type DatabaseConfig } from '@loyalty/config';
import { createKafkaClient } from '@loyalty/kafka';
import { type Client } from 'pg';
import { type RegisterCleanup } from '../shared/cleanup';
import { type PeakRss, readPeak, trackPeaks } from '../shared/peak-rss';
import { isRunning, statusKib } from '../shared/proc-fs';
import { sleep, terminate } from '../shared/service-process';
import { type StackFiles, readStackEnv } from '../shared/stack-files';
import { raceDrain } from './drain';
import { type LedgerBacklog } from './ledger-backlog';
import { type ProjectionCheck, checkProjection } from './projection-check';
import { appliedOf, reachedEnd, storedOffsets } from './projector-offsets';
import { type ProjectorProcess } from './projector-process';
import { clientOf } from './throwaway-database';
import { type EndOffsets, type ThrowawayLedger, endOffsets, fillBacklog, totalOf } from './throwaway-kafka';

export interface RebuildSpec {
  readonly files: StackFiles;
  readonly ledger: ThrowawayLedger;
  readonly database: DatabaseConfig;
  /** The live projector (the steady phase's, caught up and still running) and its consumer group. */
  readonly live: ProjectorProcess;
  readonly liveGroup: string;
  /** The backlog the steady phase drained the first part of; what is left of it is the top-up. */
  readonly backlog: LedgerBacklog;
  readonly fillBatch: number;
  /** Bounds the top-up's apply and the CLI (spawn to exit). */
  readonly timeoutS: number;
  /** No progress for this long while topping up or building fails the phase. */
  readonly stallS: number;
  /** Waits for a quiet CPU; called once the top-up is applied, right before the CLI starts. */
  readonly settle: () => Promise<unknown>;
}

export interface CliLine {
  /** Seconds from the spawn. */
  readonly atS: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface CliRun {
  readonly pid: number;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** From the spawn to the exit. */
  readonly wallS: number;
  readonly lines: readonly CliLine[];
  /** Why the harness stopped it (timeout, stall), if it did. */
  readonly stoppedBecause: string | undefined;
  readonly peakKib: number | undefined;
}

/** The CLI's last line after a swap. */
export interface SwapLine {
  readonly version: number;
  readonly events: number;
  /** The build: from its first fetch to caught up. */
  readonly seconds: number;
  /** With the index build, the compare and the swap. */
  readonly totalSeconds: number;
  readonly eventsPerSecond: number;
  readonly members: number;
  readonly keptAs: string;
}

export interface RebuildResult {
  /** Events in the log the rebuild replayed (the end offsets summed when the CLI started). */
  readonly logEvents: number;
  readonly topUp: { readonly events: number; readonly fillS: number; readonly applyS: number };
  readonly cli: CliRun | undefined;
  readonly swap: SwapLine | undefined;
  /** What the swap check found, as said under the table. */
  readonly verified: string | undefined;
  readonly error: string | undefined;
  readonly peaks: readonly PeakRss[];
}

const REBUILD_COMMAND = ['infra', 'bin', 'rebuild'];
const SWAP_LINE = /version (\d+) is live: ([\d,]+) events built in ([\d.]+) s \(([\d,]+) events\/s\), ([\d.]+) s with indexes, compare and swap; (\d+) members compared\. The previous version is kept as (ledger_prev_\d+)\b/;
const PROGRESS_LINE = /(\d+)\/(\d+) events/;
const CAUGHT_UP_LINE = /^caught up\b/;
const FIRST_LINE = /^building version \d+/;
const EXIT_MEANING: Readonly<Record<number, string>> = {
  1: 'the rebuild failed',
  2: 'not swapped: the versions differ',
  3: 'stopped on a poison event',
  4: 'not swapped: not caught up with the live projector',
  64: 'usage',
};

const number = (s: string) => Number(s.replaceAll(',', ''));

export function parseSwapLine(text: string): SwapLine | undefined {
  const m = SWAP_LINE.exec(text);
  if (m === null) return undefined;
  const [, version, events, seconds, rate, totalSeconds, members, keptAs] = m;
  if (version === undefined || events === undefined || seconds === undefined || rate === undefined || totalSeconds === undefined || members === undefined || keptAs === undefined) return undefined;
  return { version: Number(version), events: number(events), seconds: Number(seconds), totalSeconds: Number(totalSeconds), eventsPerSecond: number(rate), members: Number(members), keptAs };
}

/** The CLI's last lines without its progress bar (quoted when it fails); the last bar line if that is all. */
function lastLines(lines: readonly CliLine[], count = 6): string {
  const said = lines.filter((l) => !PROGRESS_LINE.test(l.text));
  const quoted = (said.length > 0 ? said : lines).slice(-count).map((l) => l.text.trim());
  return quoted.length === 0 ? '(no output)' : quoted.join(' ⏎ ');
}

/**
 * Runs `infra/bin/rebuild ledger` with `env`, detached (a Ctrl-C reaches the benchmark only, whose
 * cleanup stops it before the database and topics go), stdout and stderr captured line by line and
 * echoed to the harness's stderr. Stopped (SIGTERM, then SIGKILL) after `timeoutS`, or when its
 * progress bar has not moved for `stallS` before it reports being caught up (the index build, the
 * compare and the swap after that print no progress, so only the overall limit holds there).
 */
async function runRebuildCli(files: StackFiles, env: NodeJS.ProcessEnv, timeoutS: number, stallS: number, registerCleanup: RegisterCleanup): Promise<CliRun> {
  const started = performance.now();
  const child = spawn(join(files.root, ...REBUILD_COMMAND), ['ledger'], { cwd: files.root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${REBUILD_COMMAND.join('/')}`);
  let exited = false;
  const alive = () => !exited && isRunning(pid);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= alive() ? terminate(pid, 'the rebuild CLI', alive) : Promise.resolve());
  registerCleanup(`stop the rebuild CLI (pid ${pid})`, stop);
  console.error(`[bench] rebuild: started npm run rebuild -- ledger (pid ${pid}, live group ${env['LEDGER_PROJECTOR_GROUP'] ?? '?'}, database ${env['DATABASE_NAME'] ?? '?'})`);

  const lines: CliLine[] = [];
  let progressAt = started;
  let applied = -1;
  let caughtUp = false;
  const onLine = (stream: CliLine['stream']) => (raw: string) => {
    const text = raw.trimEnd();
    if (text.trim().length === 0) return;
    const at = performance.now();
    lines.push({ atS: (at - started) / 1_000, stream, text });
    process.stderr.write(`[bench] rebuild cli: ${text.trim()}\n`);
    const progress = PROGRESS_LINE.exec(text);
    if (progress === null || Number(progress[1]) > applied) progressAt = at;
    if (progress !== null) applied = Math.max(applied, Number(progress[1]));
    if (CAUGHT_UP_LINE.test(text)) caughtUp = true;
  };
  const read = (input: NodeJS.ReadableStream, stream: CliLine['stream']) =>
    new Promise<void>((resolve) =>
      createInterface({ input })
        .on('line', onLine(stream))
        .once('close', () => resolve()),
    );
  const closed = Promise.all([read(child.stdout, 'stdout'), read(child.stderr, 'stderr')]);

  let peakKib: number | undefined;
  let stoppedBecause: string | undefined;
  const watch = setInterval(() => {
    const kib = statusKib(pid, 'VmHWM');
    if (kib !== undefined) peakKib = Math.max(peakKib ?? 0, kib);
    if (stoppedBecause !== undefined || !alive()) return;
    const now = performance.now();
    if (now - started > timeoutS * 1_000) stoppedBecause = `did not finish within ${timeoutS} s`;
    else if (!caughtUp && now - progressAt > stallS * 1_000) stoppedBecause = `no progress for ${stallS} s while building`;
    if (stoppedBecause !== undefined) {
      console.error(`[bench] rebuild: the CLI ${stoppedBecause}; stopping it`);
      void stop();
    }
  }, 250);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
    child.once('error', (error) => {
      exited = true;
      lines.push({ atS: (performance.now() - started) / 1_000, stream: 'stderr', text: `spawn failed: ${error.message}` });
      resolve({ code: null, signal: null });
    });
  });
  const wallS = (performance.now() - started) / 1_000;
  clearInterval(watch);
  // The last lines may still be in the pipes; node exec'd by node-run holds no grandchildren, but bound it.
  await Promise.race([closed, sleep(5_000)]);
  return { pid, exitCode: exit.code, signal: exit.signal, wallS, lines, stoppedBecause, peakKib };
}

/**
 * Waits until the live projector's stored offsets reach `ends` (the top-up applied), bounded like
 * a drain; undefined when they did, else why not.
 */
async function waitForLive(client: Client, spec: RebuildSpec, ends: EndOffsets): Promise<string | undefined> {
  const started = performance.now();
  let progressAt = started;
  let last = -1;
  let polling = true;
  let failure: string | undefined;
  const drained = (async () => {
    while (polling) {
      const stored = await storedOffsets(client, spec.liveGroup, spec.ledger.topology.topic);
      const applied = appliedOf(stored);
      if (applied > last) {
        last = applied;
        progressAt = performance.now();
      }
      if (reachedEnd(stored, ends)) return;
      if (!spec.live.alive()) {
        failure = `the live projector exited while applying the top-up (log ${spec.live.logFile}):\n${spec.live.logTail()}`;
        return;
      }
      await sleep(250);
    }
  })().catch((error: unknown) => {
    failure = `watching the live projector failed: ${error instanceof Error ? error.message : String(error)}`;
  });
  const timedOut = await raceDrain(drained, () => ({ progressAt, started }), spec.timeoutS, spec.stallS);
  polling = false;
  await drained;
  return failure ?? (timedOut === undefined ? undefined : `the live projector applying the top-up: ${timedOut}`);
}

/** The version numbers beside the live one: what the CLI built and kept. */
async function projectionSchemas(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(`select nspname as name from pg_namespace where nspname ~ '^ledger_(build|prev)_[0-9]+$' order by nspname`);
  return rows.map((r) => r.name);
}

/** Rows of member_balances in one schema and not the other, both ways (writing times left out). */
async function balanceDifferences(client: Client, keptAs: string): Promise<{ rows: number; onlyLive: number; onlyKept: number }> {
  const columns = 'tenant_id, member_id, currency, active, pending, spent, reversed, debited, expired, qualifying';
  const { rows } = await client.query<{ total: string; only_live: string; only_kept: string }>(`
    select (select count(*) from public.member_balances) as total,
           (select count(*) from (select ${columns} from public.member_balances except all select ${columns} from "${keptAs}".member_balances) d) as only_live,
           (select count(*) from (select ${columns} from "${keptAs}".member_balances except all select ${columns} from public.member_balances) d) as only_kept`);
  const row = rows[0];
  return { rows: Number(row?.total ?? 0), onlyLive: Number(row?.only_live ?? 0), onlyKept: Number(row?.only_kept ?? 0) };
}

/** The swap, checked from outside the CLI; a description of what held, or the first thing that did not. */
async function verifySwap(client: Client, spec: RebuildSpec, swap: SwapLine, ends: EndOffsets, before: ProjectionCheck): Promise<{ verified: string } | { error: string }> {
  const schemas = await projectionSchemas(client);
  if (!schemas.includes(swap.keptAs)) return { error: `swap check: no schema ${swap.keptAs} (found: ${schemas.join(', ') || 'none'})` };
  const leftovers = schemas.filter((s) => s !== swap.keptAs);
  if (leftovers.length > 0) return { error: `swap check: schemas left beside ${swap.keptAs}: ${leftovers.join(', ')}` };
  const expected = { entries: before.found.entries, netPoints: before.found.netPoints };
  const after = await checkProjection(client, expected);
  if (after.mismatch !== undefined) return { error: `swap check, the rebuilt projection now live: ${after.mismatch}` };
  if (after.found.balancePoints !== before.found.balancePoints) return { error: `swap check: balances add up to ${after.found.balancePoints} points after the swap, ${before.found.balancePoints} before` };
  const balances = await balanceDifferences(client, swap.keptAs);
  if (balances.onlyLive + balances.onlyKept > 0) {
    return { error: `swap check: public.member_balances differs from the version it replaced (${swap.keptAs}): ${balances.onlyLive} rows only in the new one, ${balances.onlyKept} only in the old` };
  }
  const stored = await storedOffsets(client, spec.liveGroup, spec.ledger.topology.topic);
  if (!reachedEnd(stored, ends)) return { error: `swap check: the live group ${spec.liveGroup} was handed offsets short of the log's end (${appliedOf(stored)} of ${totalOf(ends)})` };
  if (!spec.live.alive()) return { error: `swap check: the live projector exited during the rebuild (log ${spec.live.logFile}):\n${spec.live.logTail()}` };
  return {
    verified:
      `Swap checked from outside the CLI: the previous tables are in \`${swap.keptAs}\` and no build schema is left; ` +
      `\`public.member_balances\` equals them row for row (${balances.rows.toLocaleString('en-US')} rows) and, with the entries, adds up to the log again ` +
      `(${after.found.entries.toLocaleString('en-US')} entries, ${after.found.netPoints.toLocaleString('en-US')} points); the live group's stored offsets are at the end of every partition and its projector kept running.`,
  };
}

export async function measureRebuild(spec: RebuildSpec, registerCleanup: RegisterCleanup): Promise<RebuildResult> {
  const topic = spec.ledger.topology.topic;
  const client = clientOf(spec.database, 'rebuild-check', { statement_timeout: 300_000 });
  await client.connect();
  registerCleanup('close the rebuild checker', () => client.end().catch(() => undefined));
  const [liveTracked] = trackPeaks([{ process: 'ledger-projector (benchmark instance, phase 4: top-up, rebuild, swap)', pid: spec.live.pid }]);
  const peaks: PeakRss[] = [];
  let cli: CliRun | undefined;
  try {
    // 1. The top-up, applied by the live projector, and the live projection checked against the log.
    const topUpEvents = spec.backlog.remaining;
    let fillS = 0;
    let applyS = 0;
    let ends: EndOffsets;
    if (topUpEvents > 0) {
      console.error(`[bench] rebuild: topping ${topic} up with ${topUpEvents.toLocaleString('en-US')} events for the live projector`);
      const fill = await fillBacklog(spec.ledger, spec.backlog, spec.fillBatch);
      fillS = fill.durationS;
      ends = fill.endOffsets;
      const applying = performance.now();
      const notApplied = await waitForLive(client, spec, ends);
      applyS = (performance.now() - applying) / 1_000;
      if (notApplied !== undefined) return { logEvents: totalOf(ends), topUp: { events: topUpEvents, fillS, applyS }, cli, swap: undefined, verified: undefined, error: notApplied, peaks };
    } else {
      ends = await endOffsets(createKafkaClient(spec.ledger.kafka, 'bench-rebuild-ends'), topic);
    }
    const topUp = { events: topUpEvents, fillS, applyS };
    const logEvents = totalOf(ends);
    const totals = spec.backlog.totals;
    const before = await checkProjection(client, { entries: totals.events, netPoints: totals.netPoints });
    if (before.mismatch !== undefined) return { logEvents, topUp, cli, swap: undefined, verified: undefined, error: `the live projection before the rebuild: ${before.mismatch}`, peaks };

    // 2. The CLI, on a quiet machine.
    await spec.settle();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...readStackEnv(spec.files),
      KAFKA_TOPIC_PREFIX: spec.ledger.kafka.KAFKA_TOPIC_PREFIX,
      DATABASE_NAME: spec.database.database,
      LEDGER_PROJECTOR_GROUP: spec.liveGroup,
    };
    cli = await runRebuildCli(spec.files, env, spec.timeoutS, spec.stallS, registerCleanup);
    peaks.push({ process: 'rebuild CLI (npm run rebuild -- ledger, phase 4)', pid: cli.pid, kib: cli.peakKib, note: 'VmHWM sampled every 0.25 s until it exited' });

    // 3. Its outcome.
    const swap = cli.lines.map((l) => parseSwapLine(l.text)).find((s) => s !== undefined);
    const fail = (error: string): RebuildResult => ({ logEvents, topUp, cli, swap, verified: undefined, error, peaks });
    if (cli.stoppedBecause !== undefined) return fail(`the rebuild CLI ${cli.stoppedBecause}: ${lastLines(cli.lines)}`);
    if (cli.exitCode !== 0) {
      const how = cli.exitCode === null ? `was killed by ${cli.signal ?? 'a signal'}` : `exited with ${cli.exitCode} (${EXIT_MEANING[cli.exitCode] ?? 'unknown code'})`;
      return fail(`the rebuild CLI ${how}: ${lastLines(cli.lines)}`);
    }
    if (swap === undefined) return fail(`the rebuild CLI exited with 0 but printed no \`version <n> is live: …\` line: ${lastLines(cli.lines)}`);
    if (swap.seconds <= 0) return fail(`the rebuild CLI reported ${swap.seconds} s: nothing to divide the log by`);

    // 4. The swap, checked from outside.
    const checked = await verifySwap(client, spec, swap, ends, before);
    if ('error' in checked) return fail(checked.error);
    return { logEvents, topUp, cli, swap, verified: checked.verified, error: undefined, peaks };
  } finally {
    if (liveTracked !== undefined) peaks.push(readPeak(liveTracked, 'from the end of its steady-phase drain to the end of the rebuild'));
    await client.end().catch(() => undefined);
  }
}

const secs = (s: number | undefined) => (s === undefined ? '?' : `${s.toFixed(1)} s`);
const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** Said under the table: what the log held, what the CLI's figure covers, where the wall time went. */
export function rebuildNotes(r: RebuildResult, backlogEvents: number): string[] {
  const notes: string[] = [];
  const topUp =
    r.topUp.events > 0
      ? ` (the ${int(backlogEvents)} events of the backlog, then ${int(r.topUp.events)} more published in ${secs(r.topUp.fillS)} and applied by the live projector in ${secs(r.topUp.applyS)}, neither timed)`
      : '';
  notes.push(
    `Rebuild from the log: \`npm run rebuild -- ledger\` (infra/bin/rebuild) as a child process, with the throwaway topic prefix, database and the steady phase's consumer group as the live one, whose projector kept running; the log held ${int(r.logEvents)} events${topUp}.`,
  );
  const { cli, swap } = r;
  if (cli !== undefined && swap !== undefined) {
    const at = (re: RegExp) => cli.lines.find((l) => re.test(l.text))?.atS;
    const first = at(FIRST_LINE);
    const caughtUp = at(CAUGHT_UP_LINE);
    const done = at(SWAP_LINE);
    const tail = caughtUp !== undefined && done !== undefined ? `; index build, compare and swap ${secs(done - caughtUp)} (from its \`caught up\` line to its last)` : '';
    notes.push(
      `Rebuild: the CLI reported ${int(swap.events)} events built in ${swap.seconds.toFixed(2)} s (${int(swap.eventsPerSecond)} events/s, from its first fetch to caught up), ` +
        `${swap.totalSeconds.toFixed(2)} s with the secondary index build, the member-by-member compare of ${swap.members.toLocaleString('en-US')} members and the swap (version ${swap.version}). ` +
        `The rate above is the log's events over the build seconds. Spawn to exit: ${secs(cli.wallS)} (first line ${secs(first)}, \`caught up\` ${secs(caughtUp)}, last line ${secs(done)}${tail}).`,
    );
    if (swap.events !== r.logEvents) notes.push(`Rebuild: the CLI counted ${int(swap.events)} events applied for a log of ${int(r.logEvents)}.`);
  } else if (cli !== undefined) {
    notes.push(`Rebuild: the CLI ran ${secs(cli.wallS)} from spawn to exit.`);
  }
  if (r.verified !== undefined) notes.push(r.verified);
  return notes;
}
