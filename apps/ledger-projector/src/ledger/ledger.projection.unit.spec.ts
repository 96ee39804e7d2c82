import { memberEnrolledFixture, pointsEarnedFixture } from '@loyalty/testing';
import { projectLedgerEvent } from './ledger.projection';

describe('ledger projection', () => {
  it('given pending PointsEarned, then a ledger entry and a full pending bucket', () => {
    const changes = projectLedgerEvent(pointsEarnedFixture({ points: 690, metadata: { eventId: 'e-1' } }), { partition: 2, offset: 41 });
    expect(changes).toEqual({
      entry: expect.objectContaining({ tenant_id: 'acme', event_id: 'e-1', member_id: 'm-1', points: 690, bucket_id: 'bkt-e-1', transaction_id: 'tx-1', log_partition: 2, log_offset: 41 }),
      newBucket: expect.objectContaining({ bucket_id: 'bkt-e-1', amount: 690, remaining: 690, pending: true, expires_at: null }),
      bucketMovements: [],
      debtDelta: 0,
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

  it('given MemberEnrolled, then no balance rows', () => {
    expect(projectLedgerEvent(memberEnrolledFixture(), { partition: 0, offset: 1 })).toBeNull();
  });
});
