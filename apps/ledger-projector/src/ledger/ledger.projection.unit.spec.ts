import { type LedgerEvent } from '@loyalty/domain';
import { memberEnrolledFixture, metadataFixture, pointsEarnedFixture } from '@loyalty/testing';
import { projectLedgerEvent } from './ledger.projection';

const meta = (eventId: string) => metadataFixture({ eventId, programVersion: 'p-2' });

describe('ledger projection', () => {
  it('given pending PointsEarned, then a ledger entry and a full pending bucket', () => {
    const changes = projectLedgerEvent(pointsEarnedFixture({ points: 690, metadata: { eventId: 'e-1' } }), { partition: 2, offset: 41 });
    expect(changes).toMatchObject({
      tenantId: 'acme',
      memberId: 'm-1',
      eventId: 'e-1',
      entry: expect.objectContaining({ tenant_id: 'acme', event_id: 'e-1', member_id: 'm-1', points: 690, bucket_id: 'bkt-e-1', transaction_id: 'tx-1', log_partition: 2, log_offset: 41 }),
      newBucket: expect.objectContaining({ bucket_id: 'bkt-e-1', amount: 690, remaining: 690, pending: true, expires_at: null }),
      tierEntry: null,
      bucketMovements: [],
      activation: null,
      expiry: null,
      debtDelta: 0,
      qualifyingTaken: null,
    });
  });

  it('given PointsSpent, then the named buckets lose the points and the entry is negative', () => {
    const spent = projectLedgerEvent(
      { type: 'PointsSpent', data: { redemptionId: 'r', points: 30, reward: null, buckets: [{ bucketId: 'a', points: 10 }, { bucketId: 'b', points: 20 }] }, metadata: pointsEarnedFixture().metadata },
      { partition: 0, offset: 7 },
    );
    expect(spent?.bucketMovements).toEqual([
      { bucketId: 'a', delta: -10, kind: 'spent' },
      { bucketId: 'b', delta: -20, kind: 'spent' },
    ]);
    expect(spent?.entry).toMatchObject({ points: -30, cause_id: 'r', buckets: JSON.stringify([{ bucketId: 'a', points: -10 }, { bucketId: 'b', points: -20 }]) });
  });

  it('given RedemptionCancelled, then the same buckets get the points back from what was spent', () => {
    const cancelled = projectLedgerEvent(
      { type: 'RedemptionCancelled', data: { redemptionId: 'r', points: 30, buckets: [{ bucketId: 'a', points: 30 }] }, metadata: pointsEarnedFixture().metadata },
      { partition: 0, offset: 9 },
    );
    expect(cancelled).toMatchObject({ bucketMovements: [{ bucketId: 'a', delta: 30, kind: 'spent' }], entry: { points: 30, cause_id: 'r' } });
  });

  it('given an operator debit, then the entry keeps its reason and the move counts as debited', () => {
    const debited = projectLedgerEvent(
      { type: 'PointsAdjusted', data: { adjustmentId: 'adj-1', points: 5, reason: 'goodwill reversed', actor: 'ops', buckets: [{ bucketId: 'a', points: 5 }] }, metadata: pointsEarnedFixture().metadata },
      { partition: 0, offset: 10 },
    );
    expect(debited).toMatchObject({ bucketMovements: [{ bucketId: 'a', delta: -5, kind: 'debited' }], entry: { points: -5, cause_id: 'adj-1', reason: 'goodwill reversed' } });
  });

  it('given a reversal with debt, then the debt grows by it', () => {
    const reversed = projectLedgerEvent(
      { type: 'PointsReversed', data: { returnId: 'r', transactionId: 't', points: 50, buckets: [{ bucketId: 'a', points: 20 }], writtenOff: 0, debt: 30, lines: [] }, metadata: pointsEarnedFixture().metadata },
      { partition: 0, offset: 8 },
    );
    expect(reversed).toMatchObject({ debtDelta: 30, bucketMovements: [{ bucketId: 'a', delta: -20, kind: 'reversed' }], entry: { cause_id: 'r', transaction_id: 't' } });
  });

  it('given a reversal or a debit, then all its points leave the qualifying points; a reversal spares what it cancels of pending buckets', () => {
    const reversed = projectLedgerEvent(
      { type: 'PointsReversed', data: { returnId: 'r', transactionId: 't', points: 50, buckets: [{ bucketId: 'a', points: 20 }], writtenOff: 30, debt: 0, lines: [] }, metadata: meta('rev') },
      { partition: 0, offset: 8 },
    );
    expect(reversed?.qualifyingTaken).toEqual({ points: 50, exceptPending: true, transactionId: 't' });
    const debited = projectLedgerEvent(
      { type: 'PointsAdjusted', data: { adjustmentId: 'adj', points: 5, reason: 'correction', actor: 'ops', buckets: [{ bucketId: 'a', points: 5 }] }, metadata: meta('adj') },
      { partition: 0, offset: 9 },
    );
    expect(debited?.qualifyingTaken).toEqual({ points: 5, exceptPending: false, transactionId: null });
  });

  it('given PointsActivated, then a history entry caused by the bucket, and the bucket to activate; no points leave a bucket', () => {
    const activated = projectLedgerEvent(
      { type: 'PointsActivated', data: { bucketId: 'b-1', currency: 'permanent', points: 690, activatedAt: '2026-12-06T23:00:00.000Z' }, metadata: meta('act') },
      { partition: 3, offset: 12 },
    );
    expect(activated).toMatchObject({
      entry: { event_type: 'PointsActivated', currency: 'permanent', points: 690, bucket_id: 'b-1', cause_id: 'b-1', buckets: '[]', debt_delta: 0, log_partition: 3, log_offset: 12 },
      activation: { bucketId: 'b-1', points: 690, activatedAt: '2026-12-06T23:00:00.000Z' },
      bucketMovements: [],
      newBucket: null,
      expiry: null,
      qualifyingTaken: null,
    });
  });

  it('given PointsExpired, then a negative history entry naming the bucket, and its points counted as expired', () => {
    const expired = projectLedgerEvent(
      { type: 'PointsExpired', data: { bucketId: 'b-2', currency: 'temporary', points: 40, expiresAt: '2027-02-20T23:00:00.000Z', expiredAt: '2027-02-20T23:00:00.000Z' }, metadata: meta('exp') },
      { partition: 3, offset: 13 },
    );
    expect(expired).toMatchObject({
      entry: { event_type: 'PointsExpired', currency: 'temporary', points: -40, bucket_id: 'b-2', cause_id: 'b-2', buckets: JSON.stringify([{ bucketId: 'b-2', points: -40 }]) },
      bucketMovements: [{ bucketId: 'b-2', delta: -40, kind: 'expired' }],
      expiry: { bucketId: 'b-2', points: 40, expiredAt: '2027-02-20T23:00:00.000Z' },
      activation: null,
    });
  });

  it('given TierChanged, then a tier-history row and the tier change, with its program version; no ledger entry', () => {
    const changed = projectLedgerEvent(
      {
        type: 'TierChanged',
        data: { from: 'bronze', to: 'silver', direction: 'UP', reason: 'EARNED', qualifyingPoints: 1_200, customTiers: ['vip'], changedAt: '2026-12-07T23:00:00.000Z' },
        metadata: meta('tier'),
      },
      { partition: 3, offset: 14 },
    );
    expect(changed).toMatchObject({
      entry: null,
      tierEntry: {
        event_id: 'tier',
        event_type: 'TierChanged',
        tier: 'silver',
        from_tier: 'bronze',
        direction: 'UP',
        reason: 'EARNED',
        qualifying_points: 1_200,
        custom_tiers: '["vip"]',
        effective_at: '2026-12-07T23:00:00.000Z',
        program_version: 'p-2',
        log_offset: 14,
      },
      tierChange: { tierId: 'silver', changedAt: '2026-12-07T23:00:00.000Z', reason: 'EARNED', programVersion: 'p-2' },
      customTier: null,
    });
  });

  it('given custom tiers assigned and revoked, then tier-history rows and the change of the custom tiers', () => {
    const assigned = projectLedgerEvent({ type: 'CustomTierAssigned', data: { tier: 'vip' }, metadata: meta('vip') }, { partition: 0, offset: 1 });
    const revoked = projectLedgerEvent({ type: 'CustomTierRevoked', data: { tier: 'vip' }, metadata: meta('vip-off') }, { partition: 0, offset: 2 });
    expect(assigned).toMatchObject({ entry: null, tierEntry: { event_type: 'CustomTierAssigned', tier: 'vip', effective_at: meta('vip').occurredAt }, customTier: { tier: 'vip', held: true } });
    expect(revoked).toMatchObject({ entry: null, tierEntry: { event_type: 'CustomTierRevoked', tier: 'vip' }, customTier: { tier: 'vip', held: false } });
  });

  it('given warnings and offers, then nothing: they are for the connector', () => {
    const warnings: LedgerEvent[] = [
      { type: 'PointsExpiringSoon', data: { bucketId: 'b', currency: 'temporary', points: 5, expiresAt: '2027-01-01T00:00:00.000Z' }, metadata: meta('soon') },
      { type: 'ReengagementOfferGranted', data: { offerId: 'o', activityType: 'product-usage', bonusPoints: 200, validFrom: '2027-01-01T00:00:00.000Z', validUntil: '2027-01-15T00:00:00.000Z' }, metadata: meta('offer') },
    ];
    for (const event of warnings) expect(projectLedgerEvent(event, { partition: 0, offset: 1 })).toBeNull();
  });

  it('replay: the same events at the same positions project to the same rows', () => {
    const events: LedgerEvent[] = [
      pointsEarnedFixture({ metadata: { eventId: 'e' } }),
      { type: 'PointsActivated', data: { bucketId: 'bkt-e', currency: 'permanent', points: 690, activatedAt: '2026-12-06T23:00:00.000Z' }, metadata: meta('act') },
      { type: 'PointsExpired', data: { bucketId: 'bkt-e', currency: 'permanent', points: 690, expiresAt: '2027-12-06T23:00:00.000Z', expiredAt: '2027-12-06T23:00:00.000Z' }, metadata: meta('exp') },
    ];
    const project = () => events.map((e, offset) => projectLedgerEvent(e, { partition: 1, offset }));
    expect(project()).toEqual(project());
  });

  it('given MemberEnrolled, then no balance rows', () => {
    expect(projectLedgerEvent(memberEnrolledFixture(), { partition: 0, offset: 1 })).toBeNull();
  });
});
