import { DEFAULT_PROGRAM, INITIAL_MEMBER_STATE, type MemberState, type ProgramConfig, availablePoints } from '@loyalty/domain';
import { decideRecordActivity } from '../activities/record-activity.decide';
import { decideRedeemPoints } from '../redemptions/redeem-points.decide';
import { decisionContext } from '../test/decision-context.fixture';
import { decidePurchaseFixture } from '../test/purchase.fixture';
import { eventsOf, fold, rulesOrigin } from '../test/rules-command.fixture';
import { type ExpirePoints, decideExpirePoints } from './expire-points.decide';

const BUCKET = 'acme/activity/a-1/bucket'; // 20 temporary points, expiry date 2027-02-20T08:00:00.000Z
const EXPIRES_AT = '2027-02-20T08:00:00.000Z';
const DAY_BOUNDARY = '2027-02-20T23:00:00.000Z';
const context = decisionContext('2027-02-20T23:00:09.000Z');
const expire = (commandId = 'exp-1', expiredAt = DAY_BOUNDARY, bucketId = BUCKET): ExpirePoints => ({ ...rulesOrigin(commandId), bucketId, expiredAt });
const NO_VIP_EXEMPTION: ProgramConfig = { ...DEFAULT_PROGRAM, customTiers: { ...DEFAULT_PROGRAM.customTiers, vipTemporaryPointsNeverExpire: false } };

/** A product-usage on 2026-11-22 earned 20 temporary points; `spent` of them were redeemed since. */
function givenTemporaryPoints(spent = 0, customTiers: MemberState['customTiers'] = []): MemberState {
  const activity = { tenantId: 'acme', activityId: 'a-1', memberId: 'm-1', activityType: 'product-usage', occurredAt: '2026-11-22T08:00:00Z' };
  let state: MemberState = { ...INITIAL_MEMBER_STATE, customTiers };
  state = fold(state, decideRecordActivity(activity, state, DEFAULT_PROGRAM, decisionContext('2026-11-22T08:00:01.000Z')));
  if (spent > 0) {
    const redemption = { tenantId: 'acme', redemptionId: 'red-1', memberId: 'm-1', points: spent, reward: null };
    state = fold(state, decideRedeemPoints(redemption, state, DEFAULT_PROGRAM, decisionContext('2026-12-01T10:00:00.000Z')));
  }
  return state;
}

describe('decideExpirePoints', () => {
  it('given temporary points partly spent, when the rules service expires the bucket at its day boundary, then PointsExpired takes what is left', () => {
    const state = givenTemporaryPoints(5);

    const decision = decideExpirePoints(expire(), state, DEFAULT_PROGRAM, context);

    const events = eventsOf(decision);
    expect(events.map((e) => e.type)).toEqual(['PointsExpired']);
    expect(events[0]!.data).toEqual({ bucketId: BUCKET, currency: 'temporary', points: 15, expiresAt: EXPIRES_AT, expiredAt: DAY_BOUNDARY });
    expect(events[0]!.metadata).toMatchObject({
      eventId: 'acme/rules/exp-1/PointsExpired',
      occurredAt: DAY_BOUNDARY,
      recordedAt: context.now,
      correlationId: 'exp-1',
      causationId: 'cause-1',
      programVersion: 'rules-v7',
    });
    const after = fold(state, decision);
    expect(after.buckets[BUCKET]).toMatchObject({ remaining: 0, expired: true });
    expect(availablePoints(after, '2027-02-20T07:00:00.000Z')).toBe(0);
  });

  it('given a bucket all spent, then it still expires, with 0 points (the expiry counts for tiers)', () => {
    expect(eventsOf(decideExpirePoints(expire(), givenTemporaryPoints(20), DEFAULT_PROGRAM, context))[0]!.data).toMatchObject({ points: 0 });
  });

  it('given a bucket already expired, when another command expires it again, then nothing happens', () => {
    const state = fold(givenTemporaryPoints(), decideExpirePoints(expire('exp-1'), givenTemporaryPoints(), DEFAULT_PROGRAM, context));

    expect(decideExpirePoints(expire('exp-2'), state, DEFAULT_PROGRAM, context)).toEqual({ kind: 'no-op', reason: `bucket ${BUCKET} has already expired` });
  });

  it('given a day boundary before the expiry date, then nothing happens', () => {
    expect(decideExpirePoints(expire('exp-1', '2027-02-19T23:00:00.000Z'), givenTemporaryPoints(), DEFAULT_PROGRAM, context)).toEqual({
      kind: 'no-op',
      reason: `bucket ${BUCKET} expires at ${EXPIRES_AT}, after 2027-02-19T23:00:00.000Z`,
    });
  });

  it('given points that never expire or a bucket the member does not have, then nothing happens', () => {
    const state = fold(INITIAL_MEMBER_STATE, decidePurchaseFixture(INITIAL_MEMBER_STATE, DEFAULT_PROGRAM));
    expect(decideExpirePoints(expire('exp-1', DAY_BOUNDARY, 'acme/purchase/tx-1/bucket'), state, DEFAULT_PROGRAM, context)).toMatchObject({ kind: 'no-op', reason: 'bucket acme/purchase/tx-1/bucket never expires' });
    expect(decideExpirePoints(expire('exp-1', DAY_BOUNDARY, 'no-such-bucket'), state, DEFAULT_PROGRAM, context)).toEqual({ kind: 'no-op', reason: 'member m-1 has no bucket no-such-bucket' });
  });

  describe('VIPs', () => {
    // VIPs earn x1.5 (30 points for a product-usage), employees x2 (40).
    it('given a VIP under a program where their temporary points never expire, then the expiry is refused and the points stay spendable', () => {
      const state = givenTemporaryPoints(5, ['vip']);

      expect(decideExpirePoints(expire(), state, DEFAULT_PROGRAM, context)).toEqual({ kind: 'no-op', reason: 'the member is VIP: their temporary points do not expire while they are VIP' });
      expect(availablePoints(state, context.now)).toBe(0); // the date alone decides without the program's rule
      expect(decideRedeemPoints({ tenantId: 'acme', redemptionId: 'red-2', memberId: 'm-1', points: 25, reward: null }, state, DEFAULT_PROGRAM, context).kind).toBe('accepted');
    });

    it('given a VIP under a program without the exemption, then the points expire', () => {
      expect(eventsOf(decideExpirePoints(expire(), givenTemporaryPoints(5, ['vip']), NO_VIP_EXEMPTION, context))[0]!.data).toMatchObject({ points: 25 });
    });

    it('given an employee (not VIP), then the points expire', () => {
      expect(eventsOf(decideExpirePoints(expire(), givenTemporaryPoints(0, ['employee']), DEFAULT_PROGRAM, context))[0]!.data).toMatchObject({ points: 40 });
    });
  });
});
