// The rules benchmark's phases. What a phase's figures are, the failure rule and the shared
// constructors are in bench/shared/phase-outcome.ts; drains and the daily run are this harness's
// own: a rate measured while events were left unapplied, or a day whose decisions do not add up,
// says nothing about the rules service.
import { type PhaseMeta as Meta, type PhaseOutcome as Outcome, metaOf } from '../shared/phase-outcome';
import { type DrainResult } from '../projector/drain';
import { type DailyRunResult } from './daily-run';
import { type DayExpectation } from './day-seed';

export type PhaseId = 'kafka-consume' | 'postgres-raw' | 'tier' | 'naive' | 'day';
export type PhaseOutcome = Outcome<PhaseId>;
export type PhaseMeta = Meta<PhaseId>;

/** The daily run: 1M members holding 5M buckets in 60 s or less. */
export const DAY_TARGET = { buckets: 5_000_000, members: 1_000_000, seconds: 60 } as const;

/** A drain (Kafka raw consume, the rules service batched or naive): events over the time from the group join to the end. */
export function fromDrain(meta: PhaseMeta, result: DrainResult, notes: readonly string[] = []): PhaseOutcome {
  const error = result.error ?? (result.durationS <= 0 || result.events <= 0 ? 'nothing drained after the group join: too few events to time (raise BENCH_RULES_EVENTS)' : undefined);
  const failed = error !== undefined;
  return {
    ...metaOf(meta),
    rate: failed ? undefined : result.events / result.durationS,
    p50Ms: undefined,
    p99Ms: undefined,
    errors: failed ? 1 : 0,
    errorDetail: failed ? 'not drained' : '',
    failed,
    firstError: error,
    notes,
  };
}

/**
 * The daily run as a rate of buckets per second from the clock's move to the day done, so its
 * target (5M buckets in 60 s) reads the same at any size; the seconds are said under the table.
 */
export function fromDailyRun(meta: PhaseMeta, result: DailyRunResult, expected: DayExpectation, notes: readonly string[] = []): PhaseOutcome {
  const doneS = result.timeline.doneS;
  const failed = result.error !== undefined || doneS === undefined || doneS <= 0;
  return {
    ...metaOf(meta),
    rate: failed ? undefined : expected.buckets / doneS,
    p50Ms: undefined,
    p99Ms: undefined,
    errors: failed ? 1 : 0,
    errorDetail: failed ? 'day not done' : '',
    failed,
    firstError: result.error ?? (doneS === undefined ? 'the day was never done' : undefined),
    notes,
  };
}
