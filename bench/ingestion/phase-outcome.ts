// The ingestion benchmark's phases. What a phase's figures are, the failure rule and the
// constructors both harnesses use are in bench/shared/phase-outcome.ts; the HTTP phases are this
// harness's own.
import { type PhaseMeta as Meta, type PhaseOutcome as Outcome, metaOf, statusBreakdown } from '../shared/phase-outcome';
import { type HttpPhaseResult } from './autocannon-phase';

export type PhaseId = 'kafka-raw' | 'postgres-raw' | 'single-naive' | 'single-batched' | 'batch';
export type PhaseOutcome = Outcome<PhaseId>;
export type PhaseMeta = Meta<PhaseId>;

/** Any error answer, connection error or item a 2xx answer did not record fails the phase. */
export function fromHttpPhase(meta: PhaseMeta, result: HttpPhaseResult): PhaseOutcome {
  const errors = result.non2xx + result.socketErrors + result.failedUnitsIn2xx;
  const failed = errors > 0 || result.failedInWarmup || result.acceptedUnits === 0;
  const more = [
    ...(result.failedUnitsIn2xx > 0 ? [`${result.failedUnitsIn2xx} items failed in 2xx answers`] : []),
    ...(result.failedInWarmup ? ['no 2xx in warm-up, not measured'] : []),
  ];
  return {
    ...metaOf(meta),
    rate: failed ? undefined : result.acceptedUnits / result.durationS,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors,
    errorDetail: statusBreakdown(result.statusCodes, result.socketErrors, more),
    failed,
    firstError: result.firstError,
    notes: [],
  };
}
