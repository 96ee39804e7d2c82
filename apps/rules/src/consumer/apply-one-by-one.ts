import { type Kysely } from 'kysely';
import { type RulesDatabase } from '@loyalty/db';
import { type LedgerBatch } from '@loyalty/kafka';
import { type ApplyRulesDeps, type ApplyRulesResult, applyRulesBatch } from './apply-rules-batch';

/**
 * The naive variant the benchmark compares with (RULES_APPLY_MODE=naive): one transaction per
 * event, the same code path otherwise. Same results, a round trip per event.
 */
export async function applyOneByOne(db: Kysely<RulesDatabase>, consumer: string, batch: LedgerBatch, deps: ApplyRulesDeps): Promise<ApplyRulesResult> {
  let applied = 0;
  let queued = false;
  let first = batch.firstOffset;
  for (const consumed of batch.events) {
    const next = (BigInt(consumed.offset) + 1n).toString();
    const result = await applyRulesBatch(db, consumer, { ...batch, events: [consumed], firstOffset: first, nextOffset: next }, deps);
    if (result.seekTo !== undefined) return result;
    applied += result.applied;
    queued ||= result.queued;
    first = next;
  }
  // Dead letters after the last event still move the offset on.
  const tail = await applyRulesBatch(db, consumer, { ...batch, events: [], firstOffset: first }, deps);
  return { applied, queued: queued || tail.queued, ...(tail.seekTo === undefined ? {} : { seekTo: tail.seekTo }) };
}
