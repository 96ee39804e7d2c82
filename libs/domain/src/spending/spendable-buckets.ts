import { type BucketAmount } from '../events/generated/ledger-event.types';
import { type BucketState, type MemberState } from '../member/member-state';

/** Active, not expired at `now`, with points left. Pending points cannot be spent. */
export function isSpendable(bucket: BucketState, now: string): boolean {
  return !bucket.pending && bucket.remaining > 0 && (bucket.expiresAt === null || Date.parse(bucket.expiresAt) > Date.parse(now));
}

/**
 * The spending order: soonest-expiring first (never-expiring last), then the oldest, then by id so
 * that the order is total and a replay picks the same buckets.
 */
export function spendingOrder(a: BucketState, b: BucketState): number {
  const expiry = (x: BucketState) => (x.expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(x.expiresAt));
  return expiry(a) - expiry(b) || Date.parse(a.earnedAt) - Date.parse(b.earnedAt) || (a.bucketId < b.bucketId ? -1 : a.bucketId > b.bucketId ? 1 : 0);
}

export function spendableBuckets(state: MemberState, now: string, except: ReadonlySet<string> = new Set()): BucketState[] {
  return Object.values(state.buckets)
    .filter((b) => isSpendable(b, now) && !except.has(b.bucketId))
    .sort(spendingOrder);
}

/** What the member may spend: spendable points less any debt (a negative balance is owed first). */
export function availablePoints(state: MemberState, now: string): number {
  return Math.max(0, spendableBuckets(state, now).reduce((sum, b) => sum + b.remaining, 0) - state.debt);
}

/**
 * Takes up to `points` from the buckets in spending order. Returns what was taken per bucket and
 * what could not be covered; never takes more than a bucket holds.
 */
export function takePoints(buckets: readonly BucketState[], points: number): { taken: BucketAmount[]; shortfall: number } {
  const taken: BucketAmount[] = [];
  let left = points;
  for (const bucket of buckets) {
    if (left === 0) break;
    const take = Math.min(bucket.remaining, left);
    if (take > 0) {
      taken.push({ bucketId: bucket.bucketId, points: take });
      left -= take;
    }
  }
  return { taken, shortfall: left };
}
