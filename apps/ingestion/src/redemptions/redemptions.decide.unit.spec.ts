import { DEFAULT_PROGRAM, type Decision, INITIAL_MEMBER_STATE, type LedgerEvent, type MemberState, availablePoints, evolveMember } from '@loyalty/domain';
import { decideAdjustPoints } from '../adjustments/adjust-points.decide';
import { decideRecordPurchase } from '../purchases/record-purchase.decide';
import { decisionContext } from '../test/decision-context.fixture';
import { type CancelRedemption, decideCancelRedemption } from './cancel-redemption.decide';
import { type RedeemPoints, decideRedeemPoints } from './redeem-points.decide';

const context = decisionContext(); // now: 2026-11-22T10:00:05.000Z
const PROGRAM = DEFAULT_PROGRAM;
const bucketOf = (adjustmentId: string) => `acme/adjustment/${adjustmentId}/bucket`;

function eventsOf(decision: Decision): readonly LedgerEvent[] {
  if (decision.kind !== 'accepted') throw new Error(`rejected: ${decision.code}`);
  return decision.events;
}
const fold = (state: MemberState, decision: Decision): MemberState => eventsOf(decision).reduce(evolveMember, state);

function credit(state: MemberState, adjustmentId: string, points: number, currency: string, at: string): MemberState {
  return fold(state, decideAdjustPoints({ tenantId: 'acme', adjustmentId, memberId: 'm-1', points, currency, reason: 'seed', actor: 'ops' }, state, DEFAULT_PROGRAM, decisionContext(at)));
}

/**
 * 300 spendable points: temp-soon 50 (expires 2026-11-30), temp-late 50 (expires 2027-01-30),
 * perm-old 100 and perm-new 100 (never expire). Not spendable: expired 500 (expired 2026-10-30)
 * and a pending purchase bucket of 1_000. Folded out of order, so order comes from the buckets.
 */
function givenBuckets(): MemberState {
  let state = credit(INITIAL_MEMBER_STATE, 'perm-new', 100, 'permanent', '2026-06-10T00:00:00.000Z');
  state = credit(state, 'temp-late', 50, 'temporary', '2026-11-01T00:00:00.000Z');
  state = credit(state, 'perm-old', 100, 'permanent', '2026-01-10T00:00:00.000Z');
  state = credit(state, 'expired', 500, 'temporary', '2026-08-01T00:00:00.000Z');
  state = credit(state, 'temp-soon', 50, 'temporary', '2026-09-01T00:00:00.000Z');
  const purchase = {
    tenantId: 'acme',
    transactionId: 'tx-1',
    memberId: 'm-1',
    occurredAt: '2026-11-20T10:00:00.000Z',
    channel: 'web',
    currency: 'EUR',
    lines: [{ lineId: 'l1', sku: 'G', category: 'groceries', quantity: 1, unitPriceMinor: 100_000, discountMinor: 0 }],
  };
  state = fold(state, decideRecordPurchase(purchase, state, DEFAULT_PROGRAM, context));
  expect(state.buckets['acme/purchase/tx-1/bucket']).toMatchObject({ pending: true, remaining: 1_000 });
  return state;
}

const redeem = (points: number, redemptionId = 'red-1'): RedeemPoints => ({ tenantId: 'acme', redemptionId, memberId: 'm-1', points, reward: 'voucher-10' });
const SPENT_220 = [
  { bucketId: bucketOf('temp-soon'), points: 50 },
  { bucketId: bucketOf('temp-late'), points: 50 },
  { bucketId: bucketOf('perm-old'), points: 100 },
  { bucketId: bucketOf('perm-new'), points: 20 },
];
const cancel = (redemptionId = 'red-1'): CancelRedemption => ({ tenantId: 'acme', redemptionId, memberId: 'm-1' });

describe('decideRedeemPoints', () => {
  it('given active buckets, then it spends soonest-expiring first, then the oldest, and names every bucket it touched', () => {
    const decision = decideRedeemPoints(redeem(220), givenBuckets(), PROGRAM, context);

    const events = eventsOf(decision);
    expect(events.map((e) => e.type)).toEqual(['PointsSpent']);
    expect(events[0]!.data).toEqual({
      redemptionId: 'red-1',
      points: 220,
      reward: 'voucher-10',
      buckets: SPENT_220,
    });
    expect(events[0]!.metadata).toMatchObject({ eventId: 'acme/redemption/red-1/PointsSpent', occurredAt: context.now, recordedAt: context.now, programVersion: PROGRAM.version });
  });

  it('given the folded spend, then the buckets hold exactly what is left', () => {
    const state = givenBuckets();
    const after = fold(state, decideRedeemPoints(redeem(220), state, PROGRAM, context));
    expect(availablePoints(after, context.now)).toBe(80);
    expect(after.buckets[bucketOf('perm-new')]!.remaining).toBe(80);
    expect(after.buckets[bucketOf('expired')]!.remaining).toBe(500);
    expect(after.buckets['acme/purchase/tx-1/bucket']!.remaining).toBe(1_000);
    expect(after.redemptions['red-1']).toEqual({ points: 220, buckets: SPENT_220, cancelled: false });
  });

  it('given pending and expired buckets, then they are not spendable: one point more than the active ones is refused with no event', () => {
    const state = givenBuckets();
    expect(decideRedeemPoints(redeem(300), state, PROGRAM, context).kind).toBe('accepted');
    expect(decideRedeemPoints(redeem(301), state, PROGRAM, context)).toEqual({
      kind: 'rejected',
      code: 'LEDGER.INSUFFICIENT_POINTS',
      message: expect.stringContaining('300'),
      status: 409,
    });
  });

  it('given context.now at a bucket’s expiry, then that bucket is no longer spendable', () => {
    const state = givenBuckets();
    const justBefore = decideRedeemPoints(redeem(60), state, PROGRAM, decisionContext('2026-11-29T23:59:59.999Z'));
    expect(eventsOf(justBefore)[0]!.data).toMatchObject({ buckets: [{ bucketId: bucketOf('temp-soon'), points: 50 }, { bucketId: bucketOf('temp-late'), points: 10 }] });

    const atExpiry = decisionContext('2026-11-30T00:00:00.000Z');
    expect(eventsOf(decideRedeemPoints(redeem(60), state, PROGRAM, atExpiry))[0]!.data).toMatchObject({
      buckets: [
        { bucketId: bucketOf('temp-late'), points: 50 },
        { bucketId: bucketOf('perm-old'), points: 10 },
      ],
    });
    expect(decideRedeemPoints(redeem(251), state, PROGRAM, atExpiry)).toMatchObject({ kind: 'rejected', code: 'LEDGER.INSUFFICIENT_POINTS' });
  });

  describe('VIPs, whose temporary points do not expire while they are VIP', () => {
    const EXPIRED_DATE = bucketOf('expired'); // 500 temporary points, expiry date 2026-10-30, no PointsExpired yet
    const vip = (state: MemberState): MemberState => ({ ...state, customTiers: ['vip'] });

    it('given a VIP, then temporary points past their date are spendable, and spent first', () => {
      const decision = decideRedeemPoints(redeem(520), vip(givenBuckets()), PROGRAM, context);
      expect(eventsOf(decision)[0]!.data).toMatchObject({ buckets: [{ bucketId: EXPIRED_DATE, points: 500 }, { bucketId: bucketOf('temp-soon'), points: 20 }] });
      expect(decideRedeemPoints(redeem(800), vip(givenBuckets()), PROGRAM, context).kind).toBe('accepted');
      expect(decideRedeemPoints(redeem(801), vip(givenBuckets()), PROGRAM, context)).toMatchObject({ kind: 'rejected', code: 'LEDGER.INSUFFICIENT_POINTS' });
    });

    it('given a VIP under a program that lets their points expire, then the date decides', () => {
      const program = { ...PROGRAM, customTiers: { ...PROGRAM.customTiers, vipTemporaryPointsNeverExpire: false } };
      expect(decideRedeemPoints(redeem(301), vip(givenBuckets()), program, context)).toMatchObject({ kind: 'rejected', code: 'LEDGER.INSUFFICIENT_POINTS' });
    });

    it('given a VIP whose bucket was expired before they became VIP (PointsExpired folded), then it stays gone', () => {
      const state = vip(givenBuckets());
      const expired = evolveMember(state, {
        type: 'PointsExpired',
        data: { bucketId: EXPIRED_DATE, currency: 'temporary', points: 500, expiresAt: '2026-10-30T00:00:00.000Z', expiredAt: '2026-10-30T00:00:00.000Z' },
        metadata: { eventId: 'x', tenantId: 'acme', memberId: 'm-1', occurredAt: '2026-10-30T00:00:00.000Z', recordedAt: context.now, correlationId: 'c', causationId: null, schemaVersion: 1, programVersion: null },
      });
      expect(availablePoints(expired, context.now)).toBe(300);
      expect(decideRedeemPoints(redeem(301), expired, PROGRAM, context)).toMatchObject({ kind: 'rejected', code: 'LEDGER.INSUFFICIENT_POINTS' });
    });
  });

  it('given a member without spendable points, then any redemption is refused', () => {
    expect(decideRedeemPoints(redeem(1), INITIAL_MEMBER_STATE, PROGRAM, context)).toMatchObject({ kind: 'rejected', code: 'LEDGER.INSUFFICIENT_POINTS', status: 409 });
  });

  it('given an existing redemption id, even a cancelled one, then 409 REDEMPTION.ALREADY_EXISTS', () => {
    const state = givenBuckets();
    const spent = fold(state, decideRedeemPoints(redeem(10), state, PROGRAM, context));
    expect(decideRedeemPoints(redeem(10), spent, PROGRAM, context)).toMatchObject({ kind: 'rejected', code: 'REDEMPTION.ALREADY_EXISTS', status: 409 });
    const cancelled = fold(spent, decideCancelRedemption(cancel(), spent, PROGRAM.version, context));
    expect(decideRedeemPoints(redeem(10), cancelled, PROGRAM, context)).toMatchObject({ kind: 'rejected', code: 'REDEMPTION.ALREADY_EXISTS', status: 409 });
  });
});

describe('decideCancelRedemption', () => {
  function givenSpent(): { before: MemberState; spent: MemberState } {
    const before = givenBuckets();
    return { before, spent: fold(before, decideRedeemPoints(redeem(220), before, PROGRAM, context)) };
  }

  it('given a redemption, then RedemptionCancelled gives the same points back to the same buckets', () => {
    const { spent } = givenSpent();
    const decision = decideCancelRedemption(cancel(), spent, PROGRAM.version, decisionContext('2026-11-23T09:00:00.000Z'));

    const events = eventsOf(decision);
    expect(events.map((e) => e.type)).toEqual(['RedemptionCancelled']);
    expect(events[0]!.data).toEqual({ redemptionId: 'red-1', points: 220, buckets: SPENT_220 });
    expect(events[0]!.metadata).toMatchObject({ eventId: 'acme/redemption/red-1/RedemptionCancelled', occurredAt: '2026-11-23T09:00:00.000Z' });
  });

  it('given the folded cancellation, then every bucket holds exactly what it held before the spend', () => {
    const { before, spent } = givenSpent();
    const after = fold(spent, decideCancelRedemption(cancel(), spent, PROGRAM.version, context));
    expect(after.buckets).toEqual(before.buckets);
    expect(availablePoints(after, context.now)).toBe(300);
    expect(after.redemptions['red-1']!.cancelled).toBe(true);
  });

  it('given a cancelled redemption, when cancelled again, then 409 REDEMPTION.ALREADY_CANCELLED', () => {
    const { spent } = givenSpent();
    const cancelled = fold(spent, decideCancelRedemption(cancel(), spent, PROGRAM.version, context));
    expect(decideCancelRedemption(cancel(), cancelled, PROGRAM.version, context)).toMatchObject({ kind: 'rejected', code: 'REDEMPTION.ALREADY_CANCELLED', status: 409 });
  });

  it('given an unknown redemption, then 404 REDEMPTION.NOT_FOUND', () => {
    const { spent } = givenSpent();
    expect(decideCancelRedemption(cancel('red-unknown'), spent, PROGRAM.version, context)).toMatchObject({ kind: 'rejected', code: 'REDEMPTION.NOT_FOUND', status: 404 });
  });
});
