// The rules benchmark's knobs, parsed once from the environment (bench/shared/bench-env.ts): a bad
// value stops the run before anything is created or loaded.
import { z } from 'zod';
import { type CommonConfig, commonConfig, commonKnobs, int, parseBenchEnv, phaseList, seconds } from '../shared/bench-env';

const PHASES = ['kafka', 'postgres', 'tier', 'naive', 'day'] as const;
export type PhaseName = (typeof PHASES)[number];

const schema = commonKnobs.extend({
  // The ledger backlog the tier evaluation drains (phases 1, 3 and 4), over this many members.
  BENCH_RULES_EVENTS: int(500_000, 1_000, 5_000_000),
  BENCH_RULES_EVENT_MEMBERS: int(50_000, 10, 1_000_000),
  // The naive variant (one transaction per event) drains the backlog's first events only.
  BENCH_RULES_NAIVE_EVENTS: int(5_000, 100, 1_000_000),
  // The daily run's state, seeded straight into the rules tables (the issue: 1M members, 5M buckets).
  BENCH_RULES_MEMBERS: int(1_000_000, 100, 10_000_000),
  BENCH_RULES_BUCKETS: int(5_000_000, 100, 50_000_000),
  // The tenant of the backlog and of the daily run (its program is written by the harness).
  BENCH_RULES_TENANT: z.string().regex(/^[A-Za-z0-9._:@-]+$/).default('bench-rules'),
  // Events per publish while filling (one producer send each, acks=-1).
  BENCH_FILL_BATCH: int(2_000, 1, 10_000),
  BENCH_POSTGRES_BATCH: int(2_000, 1, 20_000),
  BENCH_POSTGRES_CONNECTIONS: int(2, 1, 64),
  // A drain that takes longer, or makes no progress for BENCH_STALL_S, fails its phase.
  BENCH_DRAIN_TIMEOUT_S: seconds(900, 7_200),
  BENCH_STALL_S: seconds(120, 3_600),
  // The daily run, from the clock passing midnight to the day done (and the outbox drained).
  BENCH_DAY_TIMEOUT_S: seconds(900, 7_200),
  // Who decides the daily run's commands: `real`, an ingestion process of the run's own on the
  // seeded write model (end to end), or `stand-in`, a consumer in the harness that commits the
  // commands and decides nothing (the rules side only).
  BENCH_RULES_DAY_INGESTION: z.enum(['real', 'stand-in']).default('real'),
  // Purchases/s of ingestion's batch endpoint, for the estimate of what ingestion adds to the daily
  // run; by default the newest `POST /v1/purchases/batch` figure in bench/README.md.
  BENCH_INGESTION_BATCH_RATE: z.coerce.number().positive().optional(),
  BENCH_PHASES: phaseList(PHASES),
});

export type DayIngestionMode = 'real' | 'stand-in';

export interface BenchConfig extends CommonConfig {
  readonly events: number;
  readonly eventMembers: number;
  readonly naiveEvents: number;
  readonly members: number;
  readonly buckets: number;
  readonly tenant: string;
  readonly fillBatch: number;
  readonly postgresBatch: number;
  readonly postgresConnections: number;
  readonly drainTimeoutS: number;
  readonly stallS: number;
  readonly dayTimeoutS: number;
  readonly dayIngestion: DayIngestionMode;
  readonly ingestionBatchRate: number | undefined;
  readonly phases: ReadonlySet<PhaseName>;
}

export const DEFAULTS = { events: 500_000, naiveEvents: 5_000, members: 1_000_000, buckets: 5_000_000 } as const;

export function loadBenchConfig(env: NodeJS.ProcessEnv): BenchConfig {
  const e = parseBenchEnv(schema, env);
  return {
    ...commonConfig(e),
    events: e.BENCH_RULES_EVENTS,
    eventMembers: e.BENCH_RULES_EVENT_MEMBERS,
    naiveEvents: e.BENCH_RULES_NAIVE_EVENTS,
    members: e.BENCH_RULES_MEMBERS,
    buckets: e.BENCH_RULES_BUCKETS,
    tenant: e.BENCH_RULES_TENANT,
    fillBatch: e.BENCH_FILL_BATCH,
    postgresBatch: e.BENCH_POSTGRES_BATCH,
    postgresConnections: e.BENCH_POSTGRES_CONNECTIONS,
    drainTimeoutS: e.BENCH_DRAIN_TIMEOUT_S,
    stallS: e.BENCH_STALL_S,
    dayTimeoutS: e.BENCH_DAY_TIMEOUT_S,
    dayIngestion: e.BENCH_RULES_DAY_INGESTION,
    ingestionBatchRate: e.BENCH_INGESTION_BATCH_RATE,
    phases: new Set(e.BENCH_PHASES),
  };
}
