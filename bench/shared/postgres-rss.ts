// Postgres is a family of processes (postmaster, backends, writers) whose children rename
// themselves, so neither one pidfile nor a command-line match finds them all. The postmaster's pid
// is the first line of <data>/postmaster.pid; its children are found by parent pid. Their VmRSS
// is summed on a timer and the peak kept. That sum overstates real use (shared_buffers pages
// touched by several backends count once per backend), so the PSS sum, which shares them out, is
// kept beside it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allPids, commandLine, parentOf, pssKib, statusKib } from './proc-fs';

function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
    if (Number.isInteger(pid) && pid > 0) return pid;
  } catch {
    // Not readable (not root): fall back to the one process whose command line names the data dir.
  }
  return allPids().find((pid) => commandLine(pid).includes(`-D ${dataDir}`));
}

export function postgresPids(dataDir: string): number[] {
  const root = postmasterPid(dataDir);
  if (root === undefined) return [];
  return [root, ...allPids().filter((pid) => parentOf(pid) === root)];
}

export interface PostgresPeak {
  readonly rssKib: number | undefined;
  readonly pssKib: number | undefined;
  readonly processes: number;
}

export class PostgresRssSampler {
  private peakRssKib: number | undefined;
  private peakPssKib: number | undefined;
  private peakProcesses = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly dataDir: string) {}

  start(intervalMs = 1_000): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    // Sampling must never be what keeps the benchmark alive.
    this.timer.unref();
  }

  stop(): PostgresPeak {
    clearInterval(this.timer);
    this.sample();
    return { rssKib: this.peakRssKib, pssKib: this.peakPssKib, processes: this.peakProcesses };
  }

  private sample(): void {
    const pids = postgresPids(this.dataDir);
    if (pids.length === 0) return;
    const rss = pids.reduce((sum, pid) => sum + (statusKib(pid, 'VmRSS') ?? 0), 0);
    const pss = pids.reduce((sum, pid) => sum + (pssKib(pid) ?? 0), 0);
    if (this.peakRssKib === undefined || rss > this.peakRssKib) {
      this.peakRssKib = rss;
      this.peakProcesses = pids.length;
    }
    if (this.peakPssKib === undefined || pss > this.peakPssKib) this.peakPssKib = pss;
  }
}
