// A phase's figures as reported. A phase with any error is failed and carries no rate: a rate
// measured while the server rejects requests says how fast it rejects, not how fast it ingests.
import { type HttpPhaseResult } from './autocannon-phase';
import { type SettleResult } from './cpu-settle';
import { type KafkaRawResult } from './kafka-raw-limit';
import { type PostgresRawResult } from './postgres-raw-limit';

export type PhaseId = 'kafka-raw' | 'postgres-raw' | 'single-naive' | 'single-batched' | 'batch';

export interface PhaseTarget {
  readonly minRate: number;
  readonly maxP99Ms?: number;
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
}

export interface PhaseMeta {
  readonly id: PhaseId;
  readonly label: string;
  readonly unit: string;
  readonly load: string;
  readonly settle?: SettleResult;
  readonly target?: PhaseTarget;
}

function statusBreakdown(result: HttpPhaseResult): string {
  const parts = Object.entries(result.statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, count]) => `${count}× ${code}`);
  if (result.socketErrors > 0) parts.push(`${result.socketErrors}× connection error`);
  if (result.failedUnitsIn2xx > 0) parts.push(`${result.failedUnitsIn2xx} items failed in 2xx answers`);
  if (result.failedInWarmup) parts.push('no 2xx in warm-up, not measured');
  return parts.join(', ');
}

export function fromHttpPhase(meta: PhaseMeta, result: HttpPhaseResult): PhaseOutcome {
  const errors = result.non2xx + result.socketErrors + result.failedUnitsIn2xx;
  const failed = errors > 0 || result.failedInWarmup || result.acceptedUnits === 0;
  return {
    ...meta,
    rate: failed ? undefined : result.acceptedUnits / result.durationS,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors,
    errorDetail: statusBreakdown(result),
    failed,
    firstError: result.firstError,
    settle: meta.settle,
    target: meta.target,
  };
}

export function fromKafkaRaw(meta: PhaseMeta, result: KafkaRawResult): PhaseOutcome {
  const failed = result.failedSends > 0 || result.messages === 0;
  return {
    ...meta,
    rate: failed ? undefined : result.messages / result.durationS,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.failedSends,
    errorDetail: result.failedSends > 0 ? `${result.failedSends} failed sends` : '',
    failed,
    firstError: result.firstError,
    settle: meta.settle,
    target: meta.target,
  };
}

export function fromPostgresRaw(meta: PhaseMeta, result: PostgresRawResult): PhaseOutcome {
  const failed = result.failedTransactions > 0 || result.rows === 0;
  return {
    ...meta,
    rate: failed ? undefined : result.rows / result.durationS,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.failedTransactions,
    errorDetail: result.failedTransactions > 0 ? `${result.failedTransactions} failed transactions` : '',
    failed,
    firstError: result.firstError,
    settle: meta.settle,
    target: meta.target,
  };
}

/** A phase that could not run at all (ingestion did not restart, Kafka refused the topic, Postgres the table, ...). */
export function fromCrash(meta: PhaseMeta, error: unknown): PhaseOutcome {
  const message = error instanceof Error ? error.message : String(error);
  return {
    ...meta,
    rate: undefined,
    p50Ms: undefined,
    p99Ms: undefined,
    errors: 1,
    errorDetail: 'did not run',
    failed: true,
    firstError: message,
    settle: meta.settle,
    target: meta.target,
  };
}

export function meetsTarget(outcome: PhaseOutcome): boolean | undefined {
  const { target, rate, p99Ms } = outcome;
  if (target === undefined || rate === undefined) return undefined;
  return rate >= target.minRate && (target.maxP99Ms === undefined || (p99Ms !== undefined && p99Ms <= target.maxP99Ms));
}
