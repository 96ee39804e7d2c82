import { type Kysely } from 'kysely';
import { type Database } from '@loyalty/db';

export interface BucketView {
  readonly bucketId: string;
  readonly currency: string;
  readonly amount: number;
  readonly remaining: number;
  readonly pending: boolean;
  readonly earnedAt: string;
  readonly activeFrom: string;
  readonly expiresAt: string | null;
  /** The purchase it was earned on, when it was. */
  readonly sourceTransactionId: string | null;
  /** When its pending points became active; null when never pending or still pending. */
  readonly activatedAt: string | null;
  /** When what was left of it expired. */
  readonly expiredAt: string | null;
}

/** Most buckets one answer lists; a member with more sees the ones that expire soonest. */
export const MAX_BUCKETS = 1_000;

/**
 * A member's buckets, in the order they are spent (soonest-expiring first, never-expiring last,
 * then oldest): those with points left and not expired, or all of them.
 */
export async function listMemberBuckets(db: Kysely<Database>, tenantId: string, memberId: string, includeEmpty: boolean): Promise<BucketView[]> {
  let query = db
    .selectFrom('point_buckets')
    .select(['bucket_id', 'currency', 'amount', 'remaining', 'pending', 'earned_at', 'active_from', 'expires_at', 'source_transaction_id', 'activated_at', 'expired_at'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId);
  if (!includeEmpty) query = query.where('remaining', '>', 0).where('expired_at', 'is', null);
  const rows = await query.orderBy('expires_at', (o) => o.asc().nullsLast()).orderBy('earned_at').orderBy('bucket_id').limit(MAX_BUCKETS).execute();
  return rows.map((r) => ({
    bucketId: r.bucket_id,
    currency: r.currency,
    amount: r.amount,
    remaining: r.remaining,
    pending: r.pending,
    earnedAt: r.earned_at,
    activeFrom: r.active_from,
    expiresAt: r.expires_at,
    sourceTransactionId: r.source_transaction_id,
    activatedAt: r.activated_at,
    expiredAt: r.expired_at,
  }));
}
