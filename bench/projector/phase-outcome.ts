// The projector benchmark's phases. What a phase's figures are, the failure rule and the
// constructors both harnesses use are in bench/shared/phase-outcome.ts; drains and the balance
// queries under load are this harness's own: a rate measured while events were refused, lost or
// left unapplied says nothing about the projector. A rebuild counts only once it swapped and the
// swap checked out.
import { type PhaseMeta as Meta, type PhaseOutcome as Outcome, metaOf, statusBreakdown } from '../shared/phase-outcome';
import { type BalanceQueryResult } from './balance-query-latency';
import { type DrainResult } from './drain';
import { type RebuildResult } from './rebuild-from-log';

export type PhaseId = 'kafka-consume' | 'postgres-raw' | 'steady' | 'rebuild' | 'naive' | 'query';
export type PhaseOutcome = Outcome<PhaseId>;
export type PhaseMeta = Meta<PhaseId>;

/** A drain (Kafka raw consume, the real projector, the naive one): events over the time from the group join to the end. */
export function fromDrain(meta: PhaseMeta, result: DrainResult & { p50Ms?: number; p99Ms?: number }, notes: readonly string[] = []): PhaseOutcome {
  const error = result.error ?? (result.durationS <= 0 || result.events <= 0 ? 'nothing drained after the group join: too few events to time (raise BENCH_EVENTS)' : undefined);
  const failed = error !== undefined;
  return {
    ...metaOf(meta),
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
    ...metaOf(meta),
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

/** A rebuild: the log's events over the CLI's own seconds, once it swapped and the swap checked out. */
export function fromRebuild(meta: PhaseMeta, result: RebuildResult, notes: readonly string[] = []): PhaseOutcome {
  const { swap } = result;
  const error = result.error ?? (swap === undefined ? 'the rebuild reported no swap' : undefined);
  const failed = error !== undefined || swap === undefined;
  return {
    ...metaOf(meta),
    rate: failed ? undefined : result.logEvents / swap.seconds,
    p50Ms: undefined,
    p99Ms: undefined,
    errors: failed ? 1 : 0,
    errorDetail: !failed ? '' : result.cli === undefined ? 'not run' : result.cli.exitCode === 0 ? 'not verified' : `exit ${result.cli.exitCode ?? result.cli.signal ?? '?'}`,
    failed,
    firstError: error,
    notes,
  };
}
