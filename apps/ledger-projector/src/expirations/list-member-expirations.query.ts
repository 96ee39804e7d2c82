import { type Kysely } from 'kysely';
import { type Database } from '@loyalty/db';

export interface ExpirationView {
  readonly expiresAt: string;
  readonly currency: string;
  readonly points: number;
  readonly bucketId: string;
  /** Still pending: these points expire only if they become active first. */
  readonly pending: boolean;
}

/**
 * Points with an expiry date still left in a member's buckets, soonest first, up to `until` when
 * given. A bucket the ledger already expired (PointsExpired) is past, whatever it still holds.
 */
export async function listMemberExpirations(db: Kysely<Database>, tenantId: string, memberId: string, until: string | null, limit: number): Promise<ExpirationView[]> {
  let query = db
    .selectFrom('point_buckets')
    .select(['expires_at', 'currency', 'remaining', 'bucket_id', 'pending'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('remaining', '>', 0)
    .where('expires_at', 'is not', null)
    .where('expired_at', 'is', null);
  if (until !== null) query = query.where('expires_at', '<=', until);
  const rows = await query.orderBy('expires_at').orderBy('bucket_id').limit(limit).execute();
  return rows.map((r) => ({ expiresAt: r.expires_at as string, currency: r.currency, points: r.remaining, bucketId: r.bucket_id, pending: r.pending }));
}
