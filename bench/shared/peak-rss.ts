// Peak resident memory of each long-running process of the stack under the benchmark's load.
import { resetPeakRss, statusKib } from './proc-fs';

export interface PeakRss {
  readonly process: string;
  readonly pid: number | undefined;
  readonly kib: number | undefined;
  readonly note: string;
}

export interface TrackedProcess {
  readonly process: string;
  readonly pid: number | undefined;
  /** False when VmHWM could not be reset: the peak then covers the process's whole life. */
  readonly resetOk: boolean;
}

/** Resets the peak of each process now, so what is read at the end belongs to this run. */
export function trackPeaks(processes: readonly { process: string; pid: number | undefined }[]): TrackedProcess[] {
  return processes.map(({ process, pid }) => ({ process, pid, resetOk: pid !== undefined && resetPeakRss(pid) }));
}

export function readPeak(tracked: TrackedProcess, note = ''): PeakRss {
  const { process, pid } = tracked;
  if (pid === undefined) return { process, pid, kib: undefined, note: 'no pidfile' };
  const kib = statusKib(pid, 'VmHWM');
  const notes = [note, kib === undefined ? 'process gone' : '', tracked.resetOk ? '' : 'peak since process start (VmHWM reset refused)'];
  return { process, pid, kib, note: notes.filter((n) => n.length > 0).join('; ') };
}
