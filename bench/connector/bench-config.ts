// The connector benchmark's knobs, parsed once from the environment (bench/shared/bench-env.ts): a
// bad value stops the run before anything is created or loaded.
import { z } from 'zod';
import { int, parseBenchEnv, phaseList, seconds } from '../shared/bench-env';

export const PHASES = ['feed', 'kafka', 'batched', 'naive', 'single', 'postgres', 'http', 'latency'] as const;
export type PhaseName = (typeof PHASES)[number];

const schema = z.object({
  // The throughput backlog: members enrolled with an e-mail, then forwarded ledger events
  // (points_earned, points_spent, tier_changed) spread over them.
  BENCH_CONNECTOR_MEMBERS: int(10_000, 10, 1_000_000),
  BENCH_CONNECTOR_EVENTS: int(100_000, 100, 2_000_000),
  // Requests in flight per destination (its `concurrency`) in the batched and single phases.
  BENCH_CONNECTOR_CONCURRENCY: int(16, 1, 256),
  // The naive variant and the one-request-per-event destinations are measured over a window
  // after their first delivery (draining everything would take minutes).
  BENCH_NAIVE_S: seconds(30, 600),
  BENCH_SINGLE_S: seconds(30, 600),
  // Raw limits: warm-up, then measured.
  BENCH_WARMUP_S: seconds(3, 120),
  BENCH_DURATION_S: seconds(10, 600),
  BENCH_POSTGRES_CONNECTIONS: int(10, 1, 64),
  BENCH_HTTP_CONNECTIONS: int(16, 1, 256),
  // Latency: background ledger load (events/s) for this long, with sample purchases through
  // ingestion spread over it, and this many background members.
  BENCH_LATENCY_RATE: int(1_000, 1, 20_000),
  BENCH_LATENCY_S: seconds(60, 900),
  BENCH_LATENCY_SAMPLES: int(300, 1, 10_000),
  BENCH_LATENCY_MEMBERS: int(2_000, 10, 100_000),
  BENCH_FILL_BATCH: int(2_000, 1, 10_000),
  // A drain (feed, batched delivery) that takes longer, or makes no progress for BENCH_STALL_S, fails.
  BENCH_DRAIN_TIMEOUT_S: seconds(300, 3_600),
  BENCH_STALL_S: seconds(60, 3_600),
  BENCH_SETTLE_MAX_S: seconds(30, 600),
  BENCH_PHASES: phaseList(PHASES),
  // A directory: the connector processes then write V8 CPU profiles there (--cpu-prof), for finding
  // where their time goes. Off by default (profiling slows them down).
  BENCH_CONNECTOR_CPU_PROF: z.string().min(1).optional(),
});

export interface BenchConfig {
  readonly members: number;
  readonly events: number;
  readonly concurrency: number;
  readonly naiveS: number;
  readonly singleS: number;
  readonly warmupS: number;
  readonly durationS: number;
  readonly postgresConnections: number;
  readonly httpConnections: number;
  readonly latencyRate: number;
  readonly latencyS: number;
  readonly latencySamples: number;
  readonly latencyMembers: number;
  readonly fillBatch: number;
  readonly drainTimeoutS: number;
  readonly stallS: number;
  readonly settleMaxS: number;
  readonly phases: ReadonlySet<PhaseName>;
  readonly cpuProfDir: string | undefined;
}

export const DEFAULTS = { members: 10_000, events: 100_000, naiveS: 30, singleS: 30, durationS: 10, latencyRate: 1_000, latencyS: 60, latencySamples: 300 } as const;

export function loadBenchConfig(env: NodeJS.ProcessEnv): BenchConfig {
  const e = parseBenchEnv(schema, env);
  return {
    members: e.BENCH_CONNECTOR_MEMBERS,
    events: e.BENCH_CONNECTOR_EVENTS,
    concurrency: e.BENCH_CONNECTOR_CONCURRENCY,
    naiveS: e.BENCH_NAIVE_S,
    singleS: e.BENCH_SINGLE_S,
    warmupS: e.BENCH_WARMUP_S,
    durationS: e.BENCH_DURATION_S,
    postgresConnections: e.BENCH_POSTGRES_CONNECTIONS,
    httpConnections: e.BENCH_HTTP_CONNECTIONS,
    latencyRate: e.BENCH_LATENCY_RATE,
    latencyS: e.BENCH_LATENCY_S,
    latencySamples: e.BENCH_LATENCY_SAMPLES,
    latencyMembers: e.BENCH_LATENCY_MEMBERS,
    fillBatch: e.BENCH_FILL_BATCH,
    drainTimeoutS: e.BENCH_DRAIN_TIMEOUT_S,
    stallS: e.BENCH_STALL_S,
    settleMaxS: e.BENCH_SETTLE_MAX_S,
    phases: new Set(e.BENCH_PHASES),
    cpuProfDir: e.BENCH_CONNECTOR_CPU_PROF,
  };
}

/** Knobs below the defaults make a quick check, whose figures must not be compared with full runs. */
export function isSmokeRun(c: BenchConfig): boolean {
  return (
    c.events < DEFAULTS.events ||
    c.members < DEFAULTS.members ||
    c.naiveS < DEFAULTS.naiveS ||
    c.singleS < DEFAULTS.singleS ||
    c.durationS < DEFAULTS.durationS ||
    c.latencyRate < DEFAULTS.latencyRate ||
    c.latencyS < DEFAULTS.latencyS ||
    c.latencySamples < DEFAULTS.latencySamples
  );
}
