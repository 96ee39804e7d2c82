import { type BucketState, INITIAL_MEMBER_STATE, type MemberState } from '../member/member-state';
import { DEFAULT_PROGRAM, type ProgramConfig } from '../program/program-config';
import { EXPIRY_DATE_ENDS_SPENDING, availablePoints, isSpendable, pastExpiryRuleFor, spendableBuckets, vipKeepsPoints } from './spendable-buckets';

const NOW = '2026-11-22T10:00:00.000Z';

const bucket = (bucketId: string, currency: string, expiresAt: string | null, changes: Partial<BucketState> = {}): BucketState => ({
  bucketId,
  currency,
  amount: 100,
  remaining: 100,
  pending: false,
  earnedAt: '2026-08-01T00:00:00.000Z',
  activeFrom: '2026-08-01T00:00:00.000Z',
  expiresAt,
  owed: 0,
  expired: false,
  ...changes,
});

/** Temporary points past their date (not expired yet), temporary ones still valid, permanent ones. */
function givenMember(customTiers: MemberState['customTiers'] = []): MemberState {
  const buckets = [
    bucket('temp-past', 'temporary', '2026-11-20T00:00:00.000Z'),
    bucket('temp-valid', 'temporary', '2026-12-20T00:00:00.000Z'),
    bucket('perm', 'permanent', null),
  ];
  return { ...INITIAL_MEMBER_STATE, customTiers, buckets: Object.fromEntries(buckets.map((b) => [b.bucketId, b])) };
}

const ids = (buckets: readonly BucketState[]) => buckets.map((b) => b.bucketId);

describe('spendable buckets', () => {
  it('given a bucket past its expiry date, when the default rule decides, then it is not spendable', () => {
    const state = givenMember();
    expect(ids(spendableBuckets(state, NOW))).toEqual(['temp-valid', 'perm']);
    expect(availablePoints(state, NOW)).toBe(200);
    expect(isSpendable(state.buckets['temp-past']!, NOW, EXPIRY_DATE_ENDS_SPENDING)).toBe(false);
  });

  it('given a VIP under a program where their temporary points never expire, then points past the date stay spendable, soonest-expiring first', () => {
    const state = givenMember(['vip']);
    const rule = pastExpiryRuleFor(state, DEFAULT_PROGRAM);
    expect(ids(spendableBuckets(state, NOW, new Set(), rule))).toEqual(['temp-past', 'temp-valid', 'perm']);
    expect(availablePoints(state, NOW, rule)).toBe(300);
  });

  it('given a VIP, when the program lets their points expire, then the date decides', () => {
    const program: ProgramConfig = { ...DEFAULT_PROGRAM, customTiers: { ...DEFAULT_PROGRAM.customTiers, vipTemporaryPointsNeverExpire: false } };
    const state = givenMember(['vip']);
    expect(availablePoints(state, NOW, pastExpiryRuleFor(state, program))).toBe(200);
  });

  it('given a member who is not VIP (an employee), then the date decides', () => {
    const state = givenMember(['employee']);
    expect(availablePoints(state, NOW, pastExpiryRuleFor(state, DEFAULT_PROGRAM))).toBe(200);
  });

  it('given a bucket of a currency that does not expire in the program (its date comes from an older version), then the VIP rule does not keep it', () => {
    const state = givenMember(['vip']);
    const dated = bucket('perm-dated', 'permanent', '2026-11-01T00:00:00.000Z');
    expect(vipKeepsPoints(state, DEFAULT_PROGRAM, dated)).toBe(false);
    expect(vipKeepsPoints(state, DEFAULT_PROGRAM, bucket('gone', 'retired-currency', '2026-11-01T00:00:00.000Z'))).toBe(false);
    expect(vipKeepsPoints(state, DEFAULT_PROGRAM, state.buckets['temp-past']!)).toBe(true);
  });

  it('given an expired bucket (PointsExpired folded) with points given back by a cancellation, then no rule makes it spendable', () => {
    const state = givenMember(['vip']);
    const expired = bucket('temp-expired', 'temporary', '2026-11-20T00:00:00.000Z', { expired: true, remaining: 30 });
    expect(isSpendable(expired, NOW, pastExpiryRuleFor(state, DEFAULT_PROGRAM))).toBe(false);
    expect(isSpendable(expired, '2026-11-01T00:00:00.000Z')).toBe(false);
  });

  it('given pending or empty buckets, then the VIP rule does not make them spendable', () => {
    const state = givenMember(['vip']);
    const rule = pastExpiryRuleFor(state, DEFAULT_PROGRAM);
    expect(isSpendable(bucket('p', 'temporary', '2026-11-20T00:00:00.000Z', { pending: true }), NOW, rule)).toBe(false);
    expect(isSpendable(bucket('e', 'temporary', '2026-11-20T00:00:00.000Z', { remaining: 0 }), NOW, rule)).toBe(false);
  });
});
