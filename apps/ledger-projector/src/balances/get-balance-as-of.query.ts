import { type Kysely, sql } from 'kysely';
import { type Database } from '@loyalty/db';
import { type BucketFacts, type HistoryMovement, foldBalance } from './balance-as-of';
import { type CurrencyBalance, totalOf } from './get-member-balance.query';

/** Movements listed in an `asOf` answer; older ones still count, and the history endpoint pages through all. */
const LISTED_MOVEMENTS = 1_000;

/** Most movements one `asOf` answer folds in memory; a member with more gets 422, never an unbounded read. */
export const MAX_FOLDED_MOVEMENTS = 100_000;

export class HistoryTooLongError extends Error {}

export interface MemberBalanceAsOfView {
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
 * with the live projection's arithmetic. Null when the member had no movement by then.
 */
export async function getBalanceAsOf(db: Kysely<Database>, tenantId: string, memberId: string, asOf: string): Promise<MemberBalanceAsOfView | null> {
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['event_id', 'event_type', 'points', 'cause_id', 'buckets', 'debt_delta', 'recorded_at'])
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
    buckets: r.buckets as HistoryMovement['buckets'],
    debtDelta: r.debt_delta,
    recordedAt: r.recorded_at,
  }));
  const bucketIds = [...new Set(movements.flatMap((m) => m.buckets.map((b) => b.bucketId)))];
  const facts = new Map<string, BucketFacts>();
  if (bucketIds.length > 0) {
    const buckets = await db
      .selectFrom('point_buckets')
      .select(['bucket_id', 'currency', 'earned_at', 'active_from'])
      .where('tenant_id', '=', tenantId)
      .where('bucket_id', '=', sql<string>`any(${bucketIds}::text[])`)
      .execute();
    // A bucket was created pending when it became active later than it was earned.
    for (const b of buckets) facts.set(b.bucket_id, { currency: b.currency, pending: b.active_from > b.earned_at });
  }
  const { currencies, debt } = foldBalance(movements, facts);
  return { tenantId, memberId, asOf, currencies, total: totalOf(currencies), debt, movements: movements.slice(-LISTED_MOVEMENTS), movementCount: movements.length };
}
