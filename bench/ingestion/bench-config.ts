// The benchmark's knobs, parsed once from the environment: a bad value stops the run before any
// load is sent, naming the variable (as the services do with theirs).
import { z } from 'zod';

const seconds = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const PHASES = ['kafka', 'postgres', 'naive', 'single', 'batch'] as const;
export type PhaseName = (typeof PHASES)[number];

const schema = z.object({
  BENCH_DURATION_S: seconds(20, 600),
  BENCH_WARMUP_S: seconds(5, 120),
  BENCH_SINGLE_CONNECTIONS: z.coerce.number().int().min(1).max(1024).default(64),
  BENCH_BATCH_CONNECTIONS: z.coerce.number().int().min(1).max(256).default(4),
  BENCH_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(500),
  BENCH_KAFKA_BATCH: z.coerce.number().int().min(1).max(10_000).default(500),
  // Sends in flight at once: kafkajs queues them behind maxInFlightRequests=1 (as ingestion's
  // producer), so >1 only keeps the next batch ready while one is on the wire.
  BENCH_KAFKA_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  // Ingestion's shape: a batch of up to 512 commands per transaction, 4 transactions in flight.
  BENCH_POSTGRES_BATCH: z.coerce.number().int().min(1).max(10_000).default(500),
  BENCH_POSTGRES_CONNECTIONS: z.coerce.number().int().min(1).max(64).default(4),
  // How long to wait for the CPU to calm down between phases (the projector drains the backlog
  // the previous phase left; measuring during that would charge its CPU to the next phase).
  BENCH_SETTLE_MAX_S: seconds(90, 600),
  BENCH_UP_TIMEOUT_S: seconds(1200, 3600),
  BENCH_PHASES: z
    .string()
    .default(PHASES.join(','))
    .transform((s) => s.split(',').map((p) => p.trim()).filter((p) => p.length > 0))
    .pipe(z.array(z.enum(PHASES)).min(1)),
  INGESTION_PORT: z.coerce.number().int().min(1).max(65_535).default(3001),
  DEV_TENANT: z.string().regex(/^[A-Za-z0-9._:@-]+$/).default('demo'),
});

export interface BenchConfig {
  readonly durationS: number;
  readonly warmupS: number;
  readonly singleConnections: number;
  readonly batchConnections: number;
  readonly batchSize: number;
  readonly kafkaBatch: number;
  readonly kafkaConcurrency: number;
  readonly postgresBatch: number;
  readonly postgresConnections: number;
  readonly settleMaxS: number;
  readonly upTimeoutS: number;
  readonly phases: ReadonlySet<PhaseName>;
  readonly ingestionPort: number;
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
    durationS: e.BENCH_DURATION_S,
    warmupS: e.BENCH_WARMUP_S,
    singleConnections: e.BENCH_SINGLE_CONNECTIONS,
    batchConnections: e.BENCH_BATCH_CONNECTIONS,
    batchSize: e.BENCH_BATCH_SIZE,
    kafkaBatch: e.BENCH_KAFKA_BATCH,
    kafkaConcurrency: e.BENCH_KAFKA_CONCURRENCY,
    postgresBatch: e.BENCH_POSTGRES_BATCH,
    postgresConnections: e.BENCH_POSTGRES_CONNECTIONS,
    settleMaxS: e.BENCH_SETTLE_MAX_S,
    upTimeoutS: e.BENCH_UP_TIMEOUT_S,
    phases: new Set(e.BENCH_PHASES),
    ingestionPort: e.INGESTION_PORT,
    tenantId: e.DEV_TENANT,
  };
}
