// A phase's figures as reported. A phase with any error is failed and carries no rate: a rate
// measured while events were refused, lost or left unapplied says nothing about the projector.
import { type SettleResult } from '../ingestion/cpu-settle';
import { type BalanceQueryResult } from './balance-query-latency';
import { type DrainResult } from './drain';
import { type PostgresRawResult } from './postgres-raw-limit';

export type PhaseId = 'kafka-consume' | 'postgres-raw' | 'steady' | 'naive' | 'query';

export interface PhaseTarget {
  readonly minRate: number;
  readonly maxP99Ms?: number;
  /** As printed in the table. */
  readonly label: string;
}

export interface PhaseOutcome {
  readonly id: PhaseId;
  readonly label: string;
  readonly unit: string;
  readonly load: string;
  readonly rate: number | undefined;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly errors: number;
  readonly errorDetail: string;
  readonly failed: boolean;
  readonly firstError: string | undefined;
  readonly settle: SettleResult | undefined;
  readonly target: PhaseTarget | undefined;
  /** Said under the table (start-up times, the background load's figures). */
  readonly notes: readonly string[];
}

export interface PhaseMeta {
  readonly id: PhaseId;
  readonly label: string;
  readonly unit: string;
  readonly load: string;
  readonly settle?: SettleResult;
  readonly target?: PhaseTarget;
}

const base = (meta: PhaseMeta) => ({ ...meta, settle: meta.settle, target: meta.target });

/** A drain (Kafka raw consume, the real projector, the naive one): events over the time from the group join to the end. */
export function fromDrain(meta: PhaseMeta, result: DrainResult & { p50Ms?: number; p99Ms?: number }, notes: readonly string[] = []): PhaseOutcome {
  const error = result.error ?? (result.durationS <= 0 || result.events <= 0 ? 'nothing drained after the group join: too few events to time (raise BENCH_EVENTS)' : undefined);
  const failed = error !== undefined;
  return {
    ...base(meta),
    rate: failed ? undefined : result.events / result.durationS,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: failed ? 1 : 0,
    errorDetail: failed ? 'not drained' : '',
    failed,
    firstError: error,
    notes,
  };
}

export function fromPostgresRaw(meta: PhaseMeta, result: PostgresRawResult): PhaseOutcome {
  const failed = result.failedTransactions > 0 || result.rows === 0;
  return {
    ...base(meta),
    rate: failed ? undefined : result.rows / result.durationS,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.failedTransactions,
    errorDetail: result.failedTransactions > 0 ? `${result.failedTransactions} failed transactions` : '',
    failed,
    firstError: result.firstError,
    notes: [],
  };
}

function statusBreakdown(codes: Readonly<Record<string, number>>, socketErrors: number): string {
  const parts = Object.entries(codes)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, count]) => `${count}× ${code}`);
  if (socketErrors > 0) parts.push(`${socketErrors}× connection error`);
  return parts.join(', ');
}

/** Any error answer fails the phase, the background ingestion load's included (its condition was not met). */
export function fromBalanceQueries(meta: PhaseMeta, result: BalanceQueryResult): PhaseOutcome {
  const { queries, ingestion } = result;
  const queryErrors = queries.non2xx + queries.socketErrors;
  const ingestErrors = ingestion.non2xx + ingestion.socketErrors;
  const failed = queryErrors + ingestErrors > 0 || queries.ok === 0;
  const detail = [statusBreakdown(queries.statusCodes, queries.socketErrors), ingestErrors > 0 ? `ingestion load: ${statusBreakdown(ingestion.statusCodes, ingestion.socketErrors)}` : '']
    .filter((d) => d.length > 0)
    .join('; ');
  const ingested = `Background load during the balance queries: ${Math.round(ingestion.ok / ingestion.durationS).toLocaleString('en-US')} purchases/s recorded (p50 ${ingestion.p50Ms} ms, p99 ${ingestion.p99Ms} ms).`;
  return {
    ...base(meta),
    rate: failed ? undefined : queries.ok / queries.durationS,
    p50Ms: queries.p50Ms,
    p99Ms: queries.p99Ms,
    errors: queryErrors + ingestErrors,
    errorDetail: detail,
    failed,
    firstError: queries.firstError ?? (ingestErrors > 0 ? `ingestion load: ${ingestion.firstError ?? ''}` : undefined),
    notes: [ingested],
  };
}

/** A phase that could not run at all (Kafka refused the topic, Postgres the database, the projector did not start, ...). */
export function fromCrash(meta: PhaseMeta, error: unknown): PhaseOutcome {
  const message = error instanceof Error ? error.message : String(error);
  return { ...base(meta), rate: undefined, p50Ms: undefined, p99Ms: undefined, errors: 1, errorDetail: 'did not run', failed: true, firstError: message, notes: [] };
}

export function meetsTarget(outcome: PhaseOutcome): boolean | undefined {
  const { target, rate, p99Ms } = outcome;
  if (target === undefined || rate === undefined) return undefined;
  return rate >= target.minRate && (target.maxP99Ms === undefined || (p99Ms !== undefined && p99Ms <= target.maxP99Ms));
}
