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
    expect(spent?.bucketMovements).toEqual([{ bucketId: 'a', delta: -10 }, { bucketId: 'b', delta: -20 }]);
    expect(spent?.entry.points).toBe(-30);
  });

  it('given a reversal with debt, then the debt grows by it', () => {
    const reversed = projectLedgerEvent(
      { type: 'PointsReversed', data: { returnId: 'r', transactionId: 't', points: 50, buckets: [{ bucketId: 'a', points: 20 }], writtenOff: 0, debt: 30, lines: [] }, metadata: pointsEarnedFixture().metadata },
      { partition: 0, offset: 8 },
    );
    expect(reversed).toMatchObject({ debtDelta: 30, bucketMovements: [{ bucketId: 'a', delta: -20 }] });
  });

  it('given MemberEnrolled, then no balance rows', () => {
    expect(projectLedgerEvent(memberEnrolledFixture(), { partition: 0, offset: 1 })).toBeNull();
  });
});
