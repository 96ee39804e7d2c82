// The projector benchmark's knobs, parsed once from the environment: a bad value stops the run
// before anything is created or loaded, naming the variable (as the services do with theirs).
import { z } from 'zod';

const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const seconds = (fallback: number, max: number) => int(fallback, 1, max);
const PHASES = ['kafka', 'postgres', 'steady', 'naive', 'query'] as const;
export type PhaseName = (typeof PHASES)[number];

const schema = z.object({
  // The backlog: events pre-filled on the throwaway ledger topic (phases 1 and 3; phase 4 reads its start).
  BENCH_EVENTS: int(200_000, 1_000, 5_000_000),
  BENCH_NAIVE_EVENTS: int(5_000, 100, 1_000_000),
  // Share of the backlog that spends points from earlier buckets (the rest earns), in percent.
  BENCH_SPEND_PERCENT: int(10, 0, 50),
  // Events per publish while filling (one producer send each, acks=-1).
  BENCH_FILL_BATCH: int(2_000, 1, 10_000),
  BENCH_POSTGRES_BATCH: int(2_000, 1, 20_000),
  BENCH_POSTGRES_CONNECTIONS: int(2, 1, 64),
  // Time-boxed phases: the Postgres raw limit and the balance queries.
  BENCH_WARMUP_S: seconds(5, 120),
  BENCH_DURATION_S: seconds(20, 600),
  BENCH_QUERY_RATE: int(2_000, 1, 100_000),
  // Enough that each connection's share of the rate (one request in flight each) stays well below
  // what its latency allows: with too few, the connections cap the rate instead of the server.
  BENCH_QUERY_CONNECTIONS: int(64, 1, 1_024),
  BENCH_QUERY_MEMBERS: int(1_000, 1, 10_000),
  BENCH_INGEST_RATE: int(200, 1, 10_000),
  BENCH_INGEST_CONNECTIONS: int(8, 1, 256),
  // A drain (phase 1, 3, 4, or the dev projector catching up with the seeded members) that takes
  // longer fails its phase; so does one that makes no progress for BENCH_STALL_S.
  BENCH_DRAIN_TIMEOUT_S: seconds(900, 7_200),
  BENCH_STALL_S: seconds(120, 3_600),
  BENCH_SETTLE_MAX_S: seconds(90, 600),
  BENCH_UP_TIMEOUT_S: seconds(1_200, 3_600),
  BENCH_PHASES: z
    .string()
    .default(PHASES.join(','))
    .transform((s) => s.split(',').map((p) => p.trim()).filter((p) => p.length > 0))
    .pipe(z.array(z.enum(PHASES)).min(1)),
  INGESTION_PORT: int(3_001, 1, 65_535),
  LEDGER_QUERY_PORT: int(3_002, 1, 65_535),
  DEV_TENANT: z.string().regex(/^[A-Za-z0-9._:@-]+$/).default('demo'),
});

export interface BenchConfig {
  readonly events: number;
  readonly naiveEvents: number;
  readonly spendPercent: number;
  readonly fillBatch: number;
  readonly postgresBatch: number;
  readonly postgresConnections: number;
  readonly warmupS: number;
  readonly durationS: number;
  readonly queryRate: number;
  readonly queryConnections: number;
  readonly queryMembers: number;
  readonly ingestRate: number;
  readonly ingestConnections: number;
  readonly drainTimeoutS: number;
  readonly stallS: number;
  readonly settleMaxS: number;
  readonly upTimeoutS: number;
  readonly phases: ReadonlySet<PhaseName>;
  readonly ingestionPort: number;
  readonly queryPort: number;
  readonly tenantId: string;
}

export function loadBenchConfig(env: NodeJS.ProcessEnv): BenchConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`bad benchmark environment:\n${problems}`);
  }
  const e = parsed.data;
  return {
    events: e.BENCH_EVENTS,
    naiveEvents: e.BENCH_NAIVE_EVENTS,
    spendPercent: e.BENCH_SPEND_PERCENT,
    fillBatch: e.BENCH_FILL_BATCH,
    postgresBatch: e.BENCH_POSTGRES_BATCH,
    postgresConnections: e.BENCH_POSTGRES_CONNECTIONS,
    warmupS: e.BENCH_WARMUP_S,
    durationS: e.BENCH_DURATION_S,
    queryRate: e.BENCH_QUERY_RATE,
    queryConnections: e.BENCH_QUERY_CONNECTIONS,
    queryMembers: e.BENCH_QUERY_MEMBERS,
    ingestRate: e.BENCH_INGEST_RATE,
    ingestConnections: e.BENCH_INGEST_CONNECTIONS,
    drainTimeoutS: e.BENCH_DRAIN_TIMEOUT_S,
    stallS: e.BENCH_STALL_S,
    settleMaxS: e.BENCH_SETTLE_MAX_S,
    upTimeoutS: e.BENCH_UP_TIMEOUT_S,
    phases: new Set(e.BENCH_PHASES),
    ingestionPort: e.INGESTION_PORT,
    queryPort: e.LEDGER_QUERY_PORT,
    tenantId: e.DEV_TENANT,
  };
}
