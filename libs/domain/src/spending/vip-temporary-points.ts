import { type BucketState, type MemberState } from '../member/member-state';
import { type ProgramConfig } from '../program/program-config';
import { type PastExpiryRule } from './spendable-buckets';

/**
 * The program's rule that VIPs' temporary points do not expire while they are VIP: true when the
 * member holds `vip` now, the program says so, and the bucket's currency is one that expires. The
 * rules service is refused the expiry of such a bucket, so its points stay spendable past the date.
 *
 * @example
 * vipKeepsPoints({ ...state, customTiers: ['vip'] }, DEFAULT_PROGRAM, temporaryBucket); // true
 * vipKeepsPoints({ ...state, customTiers: ['vip'] }, DEFAULT_PROGRAM, permanentBucket); // false: it never expires anyway
 */
export function vipKeepsPoints(state: MemberState, program: ProgramConfig, bucket: BucketState): boolean {
  const currency = program.currencies[bucket.currency];
  // A currency the program no longer defines has no expiry rule to exempt the VIP from.
  const expiring = currency !== undefined && currency.expiresAfterDays !== null;
  return expiring && program.customTiers.vipTemporaryPointsNeverExpire && state.customTiers.includes('vip');
}

/** The past-expiry rule spending decisions use for this member under this program. */
export function pastExpiryRuleFor(state: MemberState, program: ProgramConfig): PastExpiryRule {
  return (bucket) => vipKeepsPoints(state, program, bucket);
}
