// The measuring loop of every raw-limit phase (Kafka sends in the ingestion benchmark, Postgres
// transactions in both): a warm-up, then a window of fixed length in which a few workers repeat one
// write back to back, counting what was written, the failed writes and each write's latency. One
// loop, so the ceilings the services are compared with are measured the same way.
import { percentile } from './percentile';

export interface TimedWritesSpec<Worker, Batch> {
  /** As logged: `[bench] <title>: warm-up …`. */
  readonly title: string;
  /** Where the writes go, as logged (`table <name>`, a topic). */
  readonly target: string;
  /** How the writes are shaped, as logged after the measured duration (`(transactions of …)`). */
  readonly shape: string;
  readonly warmupS: number;
  readonly durationS: number;
  /** One per write kept in flight (a connection, a producer's queued send). */
  readonly workers: readonly Worker[];
  /** The next write's payload, built before its clock starts. */
  readonly next: () => Batch;
  /**
   * One write by `worker`: resolves with the units written (rows, messages) or throws, after
   * undoing what it must (a rollback).
   */
  readonly write: (worker: Worker, batch: Batch) => Promise<number>;
}

export interface TimedWritesResult {
  readonly durationS: number;
  /** Units written in the measured window (rows, messages). */
  readonly units: number;
  /** Writes that failed in the measured window (transactions, sends). */
  readonly failures: number;
  readonly firstError: string | undefined;
  /** Latency of one whole write (a transaction, a send of a batch), not of a unit. */
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** A broken server fails every write at once; no point spinning until the deadline. */
const MAX_FAILURES = 20;

interface Window {
  units: number;
  failures: number;
  firstError: string | undefined;
  latencies: number[];
}

async function runWindow<Worker, Batch>(spec: TimedWritesSpec<Worker, Batch>, seconds: number): Promise<Window & { durationS: number }> {
  const window: Window = { units: 0, failures: 0, firstError: undefined, latencies: [] };
  const started = Date.now();
  const end = started + seconds * 1_000;
  const loop = async (worker: Worker) => {
    while (Date.now() < end) {
      const batch = spec.next();
      const begunAt = performance.now();
      try {
        // Awaited first: `units += await …` would read the count before the write and lose what
        // the other workers added meanwhile.
        const written = await spec.write(worker, batch);
        window.units += written;
        window.latencies.push(performance.now() - begunAt);
      } catch (error) {
        window.failures += 1;
        window.firstError ??= error instanceof Error ? error.message : String(error);
        if (window.failures > MAX_FAILURES) return;
      }
    }
  };
  await Promise.all(spec.workers.map(loop));
  return { ...window, durationS: (Date.now() - started) / 1_000 };
}

export async function measureTimedWrites<Worker, Batch>(spec: TimedWritesSpec<Worker, Batch>): Promise<TimedWritesResult> {
  console.error(`[bench] ${spec.title}: warm-up ${spec.warmupS} s on ${spec.target}`);
  await runWindow(spec, spec.warmupS);
  console.error(`[bench] ${spec.title}: measuring ${spec.durationS} s ${spec.shape}`);
  const measured = await runWindow(spec, spec.durationS);
  const sorted = [...measured.latencies].sort((a, b) => a - b);
  return {
    durationS: measured.durationS,
    units: measured.units,
    failures: measured.failures,
    firstError: measured.firstError,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}
