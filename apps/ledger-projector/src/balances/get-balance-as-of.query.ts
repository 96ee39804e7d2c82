import { type Kysely, sql } from 'kysely';
import { type Database } from '@loyalty/db';
import { type ProgramConfig } from '@loyalty/domain';
import { foldTierHistory } from '../tiers/tier-history';
import { type TierStandingView, tierStanding } from '../tiers/tier-standing';
import { type BucketFacts, type HistoryMovement, foldBalance } from './balance-as-of';
import { type CurrencyBalance, totalOf } from './get-member-balance.query';

/** Movements listed in an `asOf` answer; older ones still count, and the history endpoint pages through all. */
const LISTED_MOVEMENTS = 1_000;

/** Most movements one `asOf` answer folds in memory; a member with more gets 422, never an unbounded read. */
export const MAX_FOLDED_MOVEMENTS = 100_000;

export class HistoryTooLongError extends Error {}

export interface MemberBalanceAsOfView extends TierStandingView {
  readonly tenantId: string;
  readonly memberId: string;
  readonly asOf: string;
  readonly currencies: readonly CurrencyBalance[];
  readonly total: Omit<CurrencyBalance, 'currency'>;
  readonly debt: number;
  /** The movements recorded up to `asOf`, oldest first (the latest 1,000 when there are more). */
  readonly movements: readonly HistoryMovement[];
  readonly movementCount: number;
}

/**
 * The balance as the ledger stood at `asOf` (movements recorded up to then), folded from the history
 * with the live projection's arithmetic, and the tiers the tier history held then, named by `tiers`
 * (the ladder in force at `asOf`). Null when the member had no movement by then.
 */
export async function getBalanceAsOf(db: Kysely<Database>, tenantId: string, memberId: string, asOf: string, tiers: ProgramConfig['tiers']): Promise<MemberBalanceAsOfView | null> {
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['event_id', 'event_type', 'points', 'cause_id', 'bucket_id', 'transaction_id', 'buckets', 'debt_delta', 'recorded_at'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('recorded_at', '<=', asOf)
    .orderBy('log_offset')
    .limit(MAX_FOLDED_MOVEMENTS + 1)
    .execute();
  if (rows.length === 0) return null;
  if (rows.length > MAX_FOLDED_MOVEMENTS) throw new HistoryTooLongError(`more than ${MAX_FOLDED_MOVEMENTS} movements up to ${asOf}`);
  const movements: HistoryMovement[] = rows.map((r) => ({
    eventId: r.event_id,
    eventType: r.event_type,
    points: r.points,
    causeId: r.cause_id,
    bucketId: r.bucket_id,
    transactionId: r.transaction_id,
    buckets: r.buckets as HistoryMovement['buckets'],
    debtDelta: r.debt_delta,
    recordedAt: r.recorded_at,
  }));
  const bucketIds = [...new Set(movements.flatMap((m) => [...m.buckets.map((b) => b.bucketId), ...(m.bucketId === null ? [] : [m.bucketId])]))];
  const facts = new Map<string, BucketFacts>();
  if (bucketIds.length > 0) {
    const buckets = await db
      .selectFrom('point_buckets')
      .select(['bucket_id', 'currency', 'pending', 'activated_at'])
      .where('tenant_id', '=', tenantId)
      .where('bucket_id', '=', sql<string>`any(${bucketIds}::text[])`)
      .execute();
    // A bucket was created pending when it still is, or was activated since.
    for (const b of buckets) facts.set(b.bucket_id, { currency: b.currency, pending: b.pending || b.activated_at !== null });
  }
  // Tier events recorded by then, as movements are: the tiers as the ledger stood at `asOf`.
  const tierEvents = await db
    .selectFrom('member_tier_history')
    .select(['event_type as eventType', 'tier'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('recorded_at', '<=', asOf)
    .orderBy('log_offset')
    .execute();
  const { currencies, debt, qualifyingPoints } = foldBalance(movements, facts);
  const held = foldTierHistory(tierEvents);
  return {
    tenantId,
    memberId,
    asOf,
    currencies,
    total: totalOf(currencies),
    debt,
    ...tierStanding(tiers, held.tierId, qualifyingPoints, held.customTiers),
    movements: movements.slice(-LISTED_MOVEMENTS),
    movementCount: movements.length,
  };
}
