// A phase's figures as both harnesses report them, and the rule they share: a phase with any error
// is failed and carries no rate (a rate measured while the server refuses requests, loses events or
// rolls transactions back says how fast it fails, not how fast it works). Each harness names its
// own phases (its PhaseId) and adds the constructors for the kinds of phase only it has.
import { type SettleResult } from './cpu-settle';
import { type TimedWritesResult } from './timed-writes';

export interface PhaseTarget {
  readonly minRate: number;
  readonly maxP99Ms?: number;
  /** As printed in the table; without it, `≥ <minRate>[, p99 ≤ <maxP99Ms> ms]`. */
  readonly label?: string;
}

export interface PhaseOutcome<Id extends string = string> {
  readonly id: Id;
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
  /** Said under the table (start-up times, a background load's figures). */
  readonly notes: readonly string[];
}

export interface PhaseMeta<Id extends string = string> {
  readonly id: Id;
  readonly label: string;
  readonly unit: string;
  readonly load: string;
  readonly settle?: SettleResult;
  readonly target?: PhaseTarget;
}

/** The meta's fields, settle and target always present. */
export const metaOf = <Id extends string>(meta: PhaseMeta<Id>) => ({ ...meta, settle: meta.settle, target: meta.target });

/** An HTTP load's error answers, by status, then its connection errors and anything else the phase counts. */
export function statusBreakdown(codes: Readonly<Record<string, number>>, socketErrors: number, more: readonly string[] = []): string {
  const parts = Object.entries(codes)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, count]) => `${count}× ${code}`);
  if (socketErrors > 0) parts.push(`${socketErrors}× connection error`);
  return [...parts, ...more].join(', ');
}

/** A raw-limit phase (Kafka sends, Postgres transactions): units per second; `failureNoun` names a failed write (`failed sends`). */
export function fromTimedWrites<Id extends string>(meta: PhaseMeta<Id>, result: TimedWritesResult, failureNoun: string): PhaseOutcome<Id> {
  const failed = result.failures > 0 || result.units === 0;
  return {
    ...metaOf(meta),
    rate: failed ? undefined : result.units / result.durationS,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.failures,
    errorDetail: result.failures > 0 ? `${result.failures} ${failureNoun}` : '',
    failed,
    firstError: result.firstError,
    notes: [],
  };
}

/** A phase that could not run at all (a service did not start, Kafka refused the topic, Postgres the table or database, ...). */
export function fromCrash<Id extends string>(meta: PhaseMeta<Id>, error: unknown): PhaseOutcome<Id> {
  const message = error instanceof Error ? error.message : String(error);
  return { ...metaOf(meta), rate: undefined, p50Ms: undefined, p99Ms: undefined, errors: 1, errorDetail: 'did not run', failed: true, firstError: message, notes: [] };
}

export function meetsTarget(outcome: PhaseOutcome): boolean | undefined {
  const { target, rate, p99Ms } = outcome;
  if (target === undefined || rate === undefined) return undefined;
  return rate >= target.minRate && (target.maxP99Ms === undefined || (p99Ms !== undefined && p99Ms <= target.maxP99Ms));
}
