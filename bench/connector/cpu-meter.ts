// Where the machine's CPU went during a phase: user + system time of each process (from
// /proc/<pid>/stat) between two readings, as a share of one core. Everything shares the same cores,
// so a process near 100 % of a core is bound by its single thread, and a machine near 100 % of all
// cores is bound by the machine. Postgres is summed over its family of processes.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const TICKS_PER_SECOND = 100;

function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state(0) ppid(1) … utime(11) stime(12).
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function machineTicks(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}

export type Watched = Readonly<Record<string, () => readonly number[]>>;

export interface CpuShares {
  readonly seconds: number;
  /** Per watched name: CPU seconds per wall second (1 = one full core). */
  readonly byProcess: ReadonlyMap<string, number>;
  /** Share of all cores busy (0..1). */
  readonly machine: number;
}

export class CpuMeter {
  private readonly start: Map<string, Map<number, number>>;
  private readonly startMachine = machineTicks();
  private readonly startedAt = performance.now();

  constructor(private readonly watched: Watched) {
    this.start = new Map(Object.entries(watched).map(([name, pids]) => [name, new Map(pids().map((pid) => [pid, cpuTicks(pid) ?? 0]))]));
  }

  read(): CpuShares {
    const seconds = (performance.now() - this.startedAt) / 1_000;
    const byProcess = new Map<string, number>();
    for (const [name, pids] of Object.entries(this.watched)) {
      const before = this.start.get(name) ?? new Map<number, number>();
      let ticks = 0;
      // Processes that appeared since (a Postgres backend) count from zero; those gone are lost.
      for (const pid of pids()) ticks += (cpuTicks(pid) ?? 0) - (before.get(pid) ?? 0);
      byProcess.set(name, ticks / TICKS_PER_SECOND / seconds);
    }
    const now = machineTicks();
    const total = now.total - this.startMachine.total;
    return { seconds, byProcess, machine: total > 0 ? (now.busy - this.startMachine.busy) / total : 0 };
  }
}

/**
 * `connector 95 %, …, everything else 40 % of a core; the machine 99 % busy over 30.0 s`. "Everything
 * else" is the machine's busy time less the watched processes: another workload on the machine (a
 * test suite, the kernel) shows there, and the figures of such a phase are not comparable.
 */
export function describeCpu(shares: CpuShares): string {
  const parts = [...shares.byProcess].map(([name, cores]) => `${name} ${Math.round(cores * 100)} %`);
  const watched = [...shares.byProcess.values()].reduce((a, b) => a + b, 0);
  const others = Math.max(0, shares.machine * availableParallelism() - watched);
  return `${parts.join(', ')}, everything else ${Math.round(others * 100)} % of a core; the machine ${Math.round(shares.machine * 100)} % busy over ${shares.seconds.toFixed(1)} s`;
}
