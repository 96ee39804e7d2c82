// The ingestion benchmark's knobs, parsed once from the environment (bench/shared/bench-env.ts): a
// bad value stops the run before any load is sent.
import { type CommonConfig, commonConfig, commonKnobs, int, parseBenchEnv, phaseList } from '../shared/bench-env';

const PHASES = ['kafka', 'postgres', 'naive', 'single', 'batch'] as const;
export type PhaseName = (typeof PHASES)[number];

const schema = commonKnobs.extend({
  BENCH_SINGLE_CONNECTIONS: int(64, 1, 1024),
  BENCH_BATCH_CONNECTIONS: int(4, 1, 256),
  BENCH_BATCH_SIZE: int(500, 1, 500),
  BENCH_KAFKA_BATCH: int(500, 1, 10_000),
  // Sends in flight at once: kafkajs queues them behind maxInFlightRequests=1 (as ingestion's
  // producer), so >1 only keeps the next batch ready while one is on the wire.
  BENCH_KAFKA_CONCURRENCY: int(4, 1, 64),
  // Ingestion's shape: a batch of up to 512 commands per transaction, 4 transactions in flight.
  BENCH_POSTGRES_BATCH: int(500, 1, 10_000),
  BENCH_POSTGRES_CONNECTIONS: int(4, 1, 64),
  BENCH_PHASES: phaseList(PHASES),
});

export interface BenchConfig extends CommonConfig {
  readonly singleConnections: number;
  readonly batchConnections: number;
  readonly batchSize: number;
  readonly kafkaBatch: number;
  readonly kafkaConcurrency: number;
  readonly postgresBatch: number;
  readonly postgresConnections: number;
  readonly phases: ReadonlySet<PhaseName>;
}

export function loadBenchConfig(env: NodeJS.ProcessEnv): BenchConfig {
  const e = parseBenchEnv(schema, env);
  return {
    ...commonConfig(e),
    singleConnections: e.BENCH_SINGLE_CONNECTIONS,
    batchConnections: e.BENCH_BATCH_CONNECTIONS,
    batchSize: e.BENCH_BATCH_SIZE,
    kafkaBatch: e.BENCH_KAFKA_BATCH,
    kafkaConcurrency: e.BENCH_KAFKA_CONCURRENCY,
    postgresBatch: e.BENCH_POSTGRES_BATCH,
    postgresConnections: e.BENCH_POSTGRES_CONNECTIONS,
    phases: new Set(e.BENCH_PHASES),
  };
}
