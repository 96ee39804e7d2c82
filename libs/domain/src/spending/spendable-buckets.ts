import { type BucketAmount } from '../events/generated/ledger-event.types';
import { type BucketState, type MemberState } from '../member/member-state';

export { pastExpiryRuleFor, vipKeepsPoints } from './vip-temporary-points';

/**
 * Whether a bucket whose expiry date has passed, but that no PointsExpired has expired yet, may
 * still be spent. The rules service expires buckets at the tenant's day boundary; until it does,
 * the date alone decides, unless a program rule keeps the bucket (see `pastExpiryRuleFor`).
 */
export type PastExpiryRule = (bucket: BucketState) => boolean;

/** The default: a bucket stops being spendable at its expiry date. */
export const EXPIRY_DATE_ENDS_SPENDING: PastExpiryRule = () => false;

/**
 * Active, not expired at `now`, with points left. Pending points cannot be spent; an expired bucket
 * (a PointsExpired was folded) never again, whatever the rule.
 *
 * @example
 * isSpendable(bucket, '2026-11-22T10:00:00.000Z'); // false once bucket.expiresAt <= now
 * isSpendable(bucket, '2026-11-22T10:00:00.000Z', () => true); // true past the date, until PointsExpired
 */
export function isSpendable(bucket: BucketState, now: string, keepsPastExpiry: PastExpiryRule = EXPIRY_DATE_ENDS_SPENDING): boolean {
  if (bucket.pending || bucket.expired || bucket.remaining <= 0) return false;
  return bucket.expiresAt === null || Date.parse(bucket.expiresAt) > Date.parse(now) || keepsPastExpiry(bucket);
}

/**
 * The spending order: soonest-expiring first (never-expiring last), then the oldest, then by id so
 * that the order is total and a replay picks the same buckets.
 */
export function spendingOrder(a: BucketState, b: BucketState): number {
  const expiry = (x: BucketState) => (x.expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(x.expiresAt));
  return expiry(a) - expiry(b) || Date.parse(a.earnedAt) - Date.parse(b.earnedAt) || (a.bucketId < b.bucketId ? -1 : a.bucketId > b.bucketId ? 1 : 0);
}

export function spendableBuckets(
  state: MemberState,
  now: string,
  except: ReadonlySet<string> = new Set(),
  keepsPastExpiry: PastExpiryRule = EXPIRY_DATE_ENDS_SPENDING,
): BucketState[] {
  return Object.values(state.buckets)
    .filter((b) => isSpendable(b, now, keepsPastExpiry) && !except.has(b.bucketId))
    .sort(spendingOrder);
}

/** What the member may spend: spendable points less any debt (a negative balance is owed first). */
export function availablePoints(state: MemberState, now: string, keepsPastExpiry: PastExpiryRule = EXPIRY_DATE_ENDS_SPENDING): number {
  return Math.max(0, spendableBuckets(state, now, new Set(), keepsPastExpiry).reduce((sum, b) => sum + b.remaining, 0) - state.debt);
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
