// What /proc says about a process. Linux only, like the local stack itself.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** State letter and parent pid from /proc/<pid>/stat (the command name may hold spaces and parens). */
function statOf(pid: number): { state: string; ppid: number } | undefined {
  const stat = readOrUndefined(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (state === undefined || ppid === undefined) return undefined;
  return { state, ppid: Number.parseInt(ppid, 10) };
}

/**
 * True while the process exists and is not a zombie: a service we started ourselves stays a
 * zombie child until reaped, and `kill(pid, 0)` would call it alive.
 */
export function isRunning(pid: number): boolean {
  const stat = statOf(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** A `kB` field of /proc/<pid>/status (VmRSS, VmHWM), in KiB; undefined when the process is gone. */
export function statusKib(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  const status = readOrUndefined(`/proc/${pid}/status`);
  const match = status === undefined ? null : new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  return match?.[1] === undefined ? undefined : Number.parseInt(match[1], 10);
}

/**
 * Proportional set size from /proc/<pid>/smaps_rollup, in KiB: shared pages divided among the
 * processes mapping them, so it can be summed over a process family without double counting.
 */
export function pssKib(pid: number): number | undefined {
  const rollup = readOrUndefined(`/proc/${pid}/smaps_rollup`);
  const match = rollup === undefined ? null : /^Pss:\s+(\d+) kB$/m.exec(rollup);
  return match?.[1] === undefined ? undefined : Number.parseInt(match[1], 10);
}

/**
 * Resets VmHWM to the current RSS (`echo 5 > clear_refs`, Linux >= 4.0), so the peak read later
 * belongs to this run's load and not to whatever the process did since it started. Needs the
 * right to ptrace the process (root, or the same user); false when refused.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export function allPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => Number.parseInt(name, 10));
}

export function parentOf(pid: number): number | undefined {
  return statOf(pid)?.ppid;
}

export function commandLine(pid: number): string {
  return (readOrUndefined(`/proc/${pid}/cmdline`) ?? '').replaceAll('\0', ' ').trim();
}
