import { type BucketAmount, type EventMetadata } from '../events/generated/ledger-event.types';
import { type LedgerEvent, SCHEMA_VERSION } from '../events/ledger-event';
import { foldLedgerBalances, movesPoints } from './ledger-balances';

const at = '2026-11-22T10:00:00.000Z';

function meta(eventId: string, memberId = 'm-1', tenantId = 'acme'): EventMetadata {
  return { eventId, tenantId, memberId, occurredAt: at, recordedAt: at, correlationId: 'c', causationId: null, schemaVersion: SCHEMA_VERSION, programVersion: null };
}

function earned(eventId: string, points: number, o: { pending?: boolean; bucketId?: string; currency?: string; debtRecovered?: number; memberId?: string; tenantId?: string } = {}): LedgerEvent {
  return {
    type: 'PointsEarned',
    data: {
      bucketId: o.bucketId ?? `bkt-${eventId}`,
      currency: o.currency ?? 'permanent',
      points,
      basePoints: points,
      multiplierHundredths: 100,
      debtRecovered: o.debtRecovered ?? 0,
      earnedAt: at,
      activeFrom: at,
      pending: o.pending ?? false,
      expiresAt: null,
      source: { kind: 'PURCHASE', sourceId: `tx-${eventId}`, lines: [] },
    },
    metadata: meta(eventId, o.memberId, o.tenantId),
  };
}

const total = (buckets: BucketAmount[]) => buckets.reduce((s, b) => s + b.points, 0);
const spent = (eventId: string, buckets: BucketAmount[], memberId = 'm-1'): LedgerEvent => ({
  type: 'PointsSpent',
  data: { redemptionId: `r-${eventId}`, points: total(buckets), reward: null, buckets },
  metadata: meta(eventId, memberId),
});
const cancelled = (eventId: string, redemptionId: string, buckets: BucketAmount[]): LedgerEvent => ({
  type: 'RedemptionCancelled',
  data: { redemptionId, points: total(buckets), buckets },
  metadata: meta(eventId),
});
const reversed = (eventId: string, buckets: BucketAmount[], debt: number): LedgerEvent => ({
  type: 'PointsReversed',
  data: { returnId: `ret-${eventId}`, transactionId: 'tx', points: total(buckets) + debt, buckets, writtenOff: 0, debt, lines: [] },
  metadata: meta(eventId),
});
const adjusted = (eventId: string, buckets: BucketAmount[]): LedgerEvent => ({
  type: 'PointsAdjusted',
  data: { adjustmentId: `adj-${eventId}`, points: total(buckets), reason: 'goodwill reversal', actor: 'ops', buckets },
  metadata: meta(eventId),
});
const activated = (eventId: string, bucketId: string, points: number): LedgerEvent => ({
  type: 'PointsActivated',
  data: { bucketId, currency: 'permanent', points, activatedAt: at },
  metadata: meta(eventId),
});
const expired = (eventId: string, bucketId: string, points: number): LedgerEvent => ({
  type: 'PointsExpired',
  data: { bucketId, currency: 'temporary', points, expiresAt: at, expiredAt: at },
  metadata: meta(eventId),
});
const tierChanged = (eventId: string, to: string, memberId = 'm-1'): LedgerEvent => ({
  type: 'TierChanged',
  data: { from: null, to, direction: 'UP', reason: 'EARNED', qualifyingPoints: 0, customTiers: [], changedAt: at },
  metadata: meta(eventId, memberId),
});
const customTier = (eventId: string, type: 'CustomTierAssigned' | 'CustomTierRevoked', tier: string): LedgerEvent => ({ type, data: { tier }, metadata: meta(eventId) });
const enrolled = (eventId: string): LedgerEvent => ({ type: 'MemberEnrolled', data: { enrolledAt: at, email: null, phone: null, loyaltyCardNumber: null }, metadata: meta(eventId) });

describe('foldLedgerBalances', () => {
  it('given no events, then no balances, buckets, debts or entries', () => {
    expect(foldLedgerBalances([])).toEqual({ balances: [], buckets: [], debts: [], standings: [], pointEvents: [], tierEvents: [] });
  });

  it('given pending and active earnings, then each bucket counts on its side of the balance, per currency', () => {
    const result = foldLedgerBalances([earned('e1', 100, { pending: true }), earned('e2', 40), earned('e3', 7, { currency: 'temporary' })]);

    expect(result.balances).toEqual([
      { tenantId: 'acme', memberId: 'm-1', currency: 'permanent', active: 40, pending: 100 },
      { tenantId: 'acme', memberId: 'm-1', currency: 'temporary', active: 7, pending: 0 },
    ]);
    expect(result.buckets.map((b) => [b.bucketId, b.amount, b.remaining, b.pending])).toEqual([
      ['bkt-e1', 100, 100, true],
      ['bkt-e2', 40, 40, false],
      ['bkt-e3', 7, 7, false],
    ]);
  });

  it('given a spend naming buckets, then those buckets lose the points; a cancellation gives them back', () => {
    const events = [earned('e1', 100), earned('e2', 50), spent('s1', [{ bucketId: 'bkt-e1', points: 100 }, { bucketId: 'bkt-e2', points: 20 }])];

    expect(foldLedgerBalances(events).balances).toEqual([{ tenantId: 'acme', memberId: 'm-1', currency: 'permanent', active: 30, pending: 0 }]);
    const after = foldLedgerBalances([...events, cancelled('c1', 'r-s1', [{ bucketId: 'bkt-e1', points: 100 }, { bucketId: 'bkt-e2', points: 20 }])]);
    expect(after.balances).toEqual([{ tenantId: 'acme', memberId: 'm-1', currency: 'permanent', active: 150, pending: 0 }]);
    expect(after.buckets.map((b) => b.remaining)).toEqual([100, 50]);
  });

  it('given a reversal beyond what is left, then the rest is debt, and a later earning repays it first', () => {
    const result = foldLedgerBalances([
      earned('e1', 100, { pending: true }),
      reversed('r1', [{ bucketId: 'bkt-e1', points: 100 }], 30),
      earned('e2', 50, { debtRecovered: 30 }),
    ]);

    expect(result.balances).toEqual([{ tenantId: 'acme', memberId: 'm-1', currency: 'permanent', active: 20, pending: 0 }]);
    expect(result.buckets.find((b) => b.bucketId === 'bkt-e2')).toMatchObject({ amount: 50, remaining: 20 });
    expect(result.debts).toEqual([]);
  });

  it('given a reversal beyond what is left and no later earning, then the member owes the rest', () => {
    const result = foldLedgerBalances([earned('e1', 100), reversed('r1', [{ bucketId: 'bkt-e1', points: 100 }], 30)]);
    expect(result.debts).toEqual([{ tenantId: 'acme', memberId: 'm-1', debt: 30 }]);
    expect(result.balances).toEqual([{ tenantId: 'acme', memberId: 'm-1', currency: 'permanent', active: 0, pending: 0 }]);
  });

  it('given an operator debit, then the named buckets lose the points', () => {
    const result = foldLedgerBalances([earned('e1', 100, { pending: true }), adjusted('a1', [{ bucketId: 'bkt-e1', points: 25 }])]);
    expect(result.balances).toEqual([{ tenantId: 'acme', memberId: 'm-1', currency: 'permanent', active: 0, pending: 75 }]);
  });

  it('given the same event twice (a resend), then it counts once', () => {
    const spend = spent('s1', [{ bucketId: 'bkt-e1', points: 10 }]);
    const result = foldLedgerBalances([earned('e1', 100), spend, earned('e1', 100), spend]);

    expect(result.balances).toEqual([{ tenantId: 'acme', memberId: 'm-1', currency: 'permanent', active: 90, pending: 0 }]);
    expect(result.pointEvents).toEqual([
      { tenantId: 'acme', eventId: 'e1' },
      { tenantId: 'acme', eventId: 's1' },
    ]);
  });

  it('given two earnings naming one bucket, then the first bucket stands', () => {
    const result = foldLedgerBalances([earned('e1', 100, { bucketId: 'b' }), earned('e2', 999, { bucketId: 'b', pending: true })]);
    expect(result.buckets).toEqual([{ tenantId: 'acme', bucketId: 'b', memberId: 'm-1', currency: 'permanent', pending: false, amount: 100, remaining: 100 }]);
    expect(result.pointEvents).toHaveLength(2);
  });

  it('given the same ids in two tenants, then they are two events, two buckets and two balances', () => {
    const result = foldLedgerBalances([earned('e1', 100), earned('e1', 5, { tenantId: 'globex' })]);
    expect(result.balances.map((b) => [b.tenantId, b.memberId, b.active])).toEqual([
      ['acme', 'm-1', 100],
      ['globex', 'm-1', 5],
    ]);
    expect(result.pointEvents).toHaveLength(2);
  });

  it('given a movement of a bucket never earned, then nothing moves', () => {
    expect(foldLedgerBalances([earned('e1', 100), spent('s1', [{ bucketId: 'elsewhere', points: 10 }])]).balances).toEqual([
      { tenantId: 'acme', memberId: 'm-1', currency: 'permanent', active: 100, pending: 0 },
    ]);
  });

  it('given events that move no points, then they leave no balance and no entry', () => {
    const enrolment = enrolled('en1');
    expect(movesPoints(enrolment)).toBe(false);
    expect(foldLedgerBalances([enrolment])).toEqual({ balances: [], buckets: [], debts: [], standings: [], pointEvents: [], tierEvents: [] });
  });

  it('given an activation, then the pending bucket becomes active with what is left of it; an active or unknown bucket is left alone', () => {
    const result = foldLedgerBalances([
      earned('e1', 100, { pending: true }),
      reversed('r1', [{ bucketId: 'bkt-e1', points: 30 }], 0),
      activated('a1', 'bkt-e1', 70),
      activated('a2', 'bkt-e1', 70),
      activated('a3', 'elsewhere', 5),
    ]);
    expect(result.balances).toEqual([{ tenantId: 'acme', memberId: 'm-1', currency: 'permanent', active: 70, pending: 0 }]);
    expect(result.buckets).toEqual([{ tenantId: 'acme', bucketId: 'bkt-e1', memberId: 'm-1', currency: 'permanent', pending: false, amount: 100, remaining: 70 }]);
    // Pending points never counted, so cancelling them takes nothing; activating the rest adds it, once.
    expect(result.standings).toEqual([{ tenantId: 'acme', memberId: 'm-1', qualifyingPoints: 70, tier: null, customTiers: [] }]);
    expect(result.pointEvents.map((e) => e.eventId)).toEqual(['e1', 'r1', 'a1', 'a2', 'a3']);
  });

  it('given an expiry, then its points leave the bucket and the qualifying points, once per bucket', () => {
    const result = foldLedgerBalances([
      earned('e1', 50, { currency: 'temporary' }),
      spent('s1', [{ bucketId: 'bkt-e1', points: 20 }]),
      expired('x1', 'bkt-e1', 30),
      expired('x2', 'bkt-e1', 30),
    ]);
    expect(result.balances).toEqual([{ tenantId: 'acme', memberId: 'm-1', currency: 'temporary', active: 0, pending: 0 }]);
    expect(result.buckets.map((b) => b.remaining)).toEqual([0]);
    expect(result.standings[0]?.qualifyingPoints).toBe(20);
  });

  it('qualifying points: active earnings in full, not pending ones; spending and cancelling change nothing; returns and debits take back', () => {
    const result = foldLedgerBalances([
      earned('e1', 100),
      earned('e2', 40, { pending: true }),
      earned('e3', 10, { debtRecovered: 10 }),
      spent('s1', [{ bucketId: 'bkt-e1', points: 60 }]),
      cancelled('c1', 'r-s1', [{ bucketId: 'bkt-e1', points: 60 }]),
      // 20 from the active bucket, 5 cancelled pending, 15 owed: 35 qualifying points go.
      reversed('r1', [{ bucketId: 'bkt-e1', points: 20 }, { bucketId: 'bkt-e2', points: 5 }], 15),
      adjusted('a1', [{ bucketId: 'bkt-e1', points: 10 }]),
    ]);
    expect(result.standings).toEqual([{ tenantId: 'acme', memberId: 'm-1', qualifyingPoints: 100 + 10 - 35 - 10, tier: null, customTiers: [] }]);
  });

  it("tiers: the latest TierChanged's tier, and the custom tiers assigned and not revoked; members are kept apart", () => {
    const result = foldLedgerBalances([
      tierChanged('t1', 'silver'),
      customTier('v1', 'CustomTierAssigned', 'vip'),
      customTier('v2', 'CustomTierAssigned', 'employee'),
      tierChanged('t2', 'gold'),
      customTier('v3', 'CustomTierRevoked', 'vip'),
      customTier('v1', 'CustomTierAssigned', 'vip'),
      tierChanged('t3', 'bronze', 'm-2'),
    ]);
    expect(result.standings).toEqual([
      { tenantId: 'acme', memberId: 'm-1', qualifyingPoints: 0, tier: 'gold', customTiers: ['employee'] },
      { tenantId: 'acme', memberId: 'm-2', qualifyingPoints: 0, tier: 'bronze', customTiers: [] },
    ]);
    // The resent assignment (v1) counts once: it does not bring vip back.
    expect(result.tierEvents.map((e) => e.eventId)).toEqual(['t1', 'v1', 'v2', 't2', 'v3', 't3']);
    expect(result.pointEvents).toEqual([]);
  });
});
