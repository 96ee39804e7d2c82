// Everything shares two cores: after a phase, the ledger projector may still be draining the events
// it produced, Kafka is flushing, the JIT is settling. Measuring the next phase during that would
// charge their CPU to it, so each phase waits (bounded) until the machine is quiet again.
import { readFileSync } from 'node:fs';

interface CpuTimes {
  readonly busy: number;
  readonly total: number;
}

function cpuTimes(): CpuTimes {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

export interface SettleResult {
  readonly settled: boolean;
  readonly waitedS: number;
  /** Share of all cores busy in the last window, 0..1. */
  readonly lastBusy: number;
}

/** Resolves once two consecutive 1 s windows have the machine below `busyBelow` (of all cores). */
export async function waitForQuietCpu(maxS: number, busyBelow = 0.25): Promise<SettleResult> {
  const started = Date.now();
  let quietWindows = 0;
  let lastBusy = 1;
  let previous = cpuTimes();
  while (Date.now() - started < maxS * 1_000) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = cpuTimes();
    const total = now.total - previous.total;
    lastBusy = total > 0 ? (now.busy - previous.busy) / total : 0;
    previous = now;
    quietWindows = lastBusy < busyBelow ? quietWindows + 1 : 0;
    if (quietWindows >= 2) return { settled: true, waitedS: (Date.now() - started) / 1_000, lastBusy };
  }
  return { settled: false, waitedS: (Date.now() - started) / 1_000, lastBusy };
}

/** The wait before a phase, as both harnesses log it. */
export function settleBefore(label: string, maxS: number): Promise<SettleResult> {
  console.error(`[bench] ${label}: waiting for a quiet CPU (at most ${maxS} s)`);
  return waitForQuietCpu(maxS);
}
