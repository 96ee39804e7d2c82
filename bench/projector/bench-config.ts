// The projector benchmark's knobs, parsed once from the environment (bench/shared/bench-env.ts): a
// bad value stops the run before anything is created or loaded.
import { type CommonConfig, commonConfig, commonKnobs, int, parseBenchEnv, phaseList, port, seconds } from '../shared/bench-env';

const PHASES = ['kafka', 'postgres', 'steady', 'rebuild', 'naive', 'query'] as const;
export type PhaseName = (typeof PHASES)[number];

const schema = commonKnobs.extend({
  // The backlog: events pre-filled on the throwaway ledger topic (phases 1 and 3; phase 5 reads its start).
  BENCH_EVENTS: int(200_000, 1_000, 5_000_000),
  BENCH_NAIVE_EVENTS: int(5_000, 100, 1_000_000),
  // The log the rebuild replays: the backlog, topped up to this many events after the steady phase
  // (the live projector applies the top-up before the rebuild starts). The target is over 1M.
  BENCH_REBUILD_EVENTS: int(1_000_000, 1_000, 5_000_000),
  // Share of the backlog that spends points from earlier buckets (the rest earns), in percent.
  BENCH_SPEND_PERCENT: int(10, 0, 50),
  // Events per publish while filling (one producer send each, acks=-1).
  BENCH_FILL_BATCH: int(2_000, 1, 10_000),
  BENCH_POSTGRES_BATCH: int(2_000, 1, 20_000),
  BENCH_POSTGRES_CONNECTIONS: int(2, 1, 64),
  // The time-boxed phases (the Postgres raw limit and the balance queries) take the common
  // BENCH_WARMUP_S and BENCH_DURATION_S.
  BENCH_QUERY_RATE: int(2_000, 1, 100_000),
  // Enough that each connection's share of the rate (one request in flight each) stays well below
  // what its latency allows: with too few, the connections cap the rate instead of the server.
  BENCH_QUERY_CONNECTIONS: int(64, 1, 1_024),
  BENCH_QUERY_MEMBERS: int(1_000, 1, 10_000),
  BENCH_INGEST_RATE: int(200, 1, 10_000),
  BENCH_INGEST_CONNECTIONS: int(8, 1, 256),
  // A drain (phase 1, 3, 5, the live projector applying the rebuild's top-up, the rebuild CLI from
  // spawn to exit, or the dev projector catching up with the seeded members) that takes
  // longer fails its phase; so does one that makes no progress for BENCH_STALL_S.
  BENCH_DRAIN_TIMEOUT_S: seconds(900, 7_200),
  BENCH_STALL_S: seconds(120, 3_600),
  BENCH_PHASES: phaseList(PHASES),
  LEDGER_QUERY_PORT: port(3_002),
});

export interface BenchConfig extends CommonConfig {
  readonly events: number;
  readonly naiveEvents: number;
  readonly rebuildEvents: number;
  readonly spendPercent: number;
  readonly fillBatch: number;
  readonly postgresBatch: number;
  readonly postgresConnections: number;
  readonly queryRate: number;
  readonly queryConnections: number;
  readonly queryMembers: number;
  readonly ingestRate: number;
  readonly ingestConnections: number;
  readonly drainTimeoutS: number;
  readonly stallS: number;
  readonly phases: ReadonlySet<PhaseName>;
  readonly queryPort: number;
}

export function loadBenchConfig(env: NodeJS.ProcessEnv): BenchConfig {
  const e = parseBenchEnv(schema, env);
  // The rebuild takes over the steady phase's projector (its consumer group and offsets) and
  // database: without that phase there is no live projection to rebuild beside.
  if (e.BENCH_PHASES.includes('rebuild') && !e.BENCH_PHASES.includes('steady')) {
    throw new Error('bad benchmark environment:\n  BENCH_PHASES: rebuild needs steady (it rebuilds beside the projection that phase builds, while its projector runs)');
  }
  return {
    ...commonConfig(e),
    events: e.BENCH_EVENTS,
    naiveEvents: e.BENCH_NAIVE_EVENTS,
    rebuildEvents: e.BENCH_REBUILD_EVENTS,
    spendPercent: e.BENCH_SPEND_PERCENT,
    fillBatch: e.BENCH_FILL_BATCH,
    postgresBatch: e.BENCH_POSTGRES_BATCH,
    postgresConnections: e.BENCH_POSTGRES_CONNECTIONS,
    queryRate: e.BENCH_QUERY_RATE,
    queryConnections: e.BENCH_QUERY_CONNECTIONS,
    queryMembers: e.BENCH_QUERY_MEMBERS,
    ingestRate: e.BENCH_INGEST_RATE,
    ingestConnections: e.BENCH_INGEST_CONNECTIONS,
    drainTimeoutS: e.BENCH_DRAIN_TIMEOUT_S,
    stallS: e.BENCH_STALL_S,
    phases: new Set(e.BENCH_PHASES),
    queryPort: e.LEDGER_QUERY_PORT,
  };
}
