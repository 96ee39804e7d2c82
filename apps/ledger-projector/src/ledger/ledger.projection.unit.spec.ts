import { type LedgerEventOf } from '@loyalty/domain';
import { projectLedgerEvent } from './ledger.projection';

const earned = (pending: boolean): LedgerEventOf<'PointsEarned'> => ({
  type: 'PointsEarned',
  data: {
    bucketId: 'b-1',
    currency: 'permanent',
    points: 690,
    earnedAt: '2026-11-22T10:00:00.000Z',
    activeFrom: pending ? '2026-12-06T10:00:00.000Z' : '2026-11-22T10:00:00.000Z',
    pending,
    expiresAt: null,
    transactionId: 'tx-1',
    moneyCurrency: 'EUR',
    lines: [{ lineId: 'l1', category: 'ski-equipment', amountMinor: 23_000, points: 690 }],
  },
  metadata: {
    eventId: 'e-1',
    tenantId: 'acme',
    memberId: 'm-1',
    occurredAt: '2026-11-22T10:00:00.000Z',
    recordedAt: '2026-11-22T10:00:01.000Z',
    correlationId: 'c-1',
    causationId: null,
    schemaVersion: 1,
    programVersion: 'v1',
  },
});

describe('ledger projection', () => {
  it('given pending PointsEarned, then a ledger entry, a full bucket and a pending balance delta', () => {
    const changes = projectLedgerEvent(earned(true), { partition: 2, offset: 41 });
    expect(changes).toEqual({
      entry: expect.objectContaining({ tenant_id: 'acme', event_id: 'e-1', member_id: 'm-1', points: 690, bucket_id: 'b-1', log_partition: 2, log_offset: 41 }),
      bucket: expect.objectContaining({ bucket_id: 'b-1', amount: 690, remaining: 690, pending: true, expires_at: null }),
      balanceDelta: { currency: 'permanent', active: 0, pending: 690 },
    });
  });

  it('given active PointsEarned, then the delta is active', () => {
    expect(projectLedgerEvent(earned(false), { partition: 0, offset: 0 })?.balanceDelta).toEqual({ currency: 'permanent', active: 690, pending: 0 });
  });

  it('given MemberEnrolled, then no balance rows', () => {
    const enrolled: LedgerEventOf<'MemberEnrolled'> = {
      type: 'MemberEnrolled',
      data: { enrolledAt: '2026-11-22T10:00:00.000Z', email: null, phone: null, loyaltyCardNumber: null },
      metadata: earned(false).metadata,
    };
    expect(projectLedgerEvent(enrolled, { partition: 0, offset: 1 })).toBeNull();
  });
});
