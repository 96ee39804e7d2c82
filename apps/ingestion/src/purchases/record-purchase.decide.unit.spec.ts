import { DEFAULT_PROGRAM } from '@loyalty/domain';
import { type DecisionContext, type RecordPurchase, decideRecordPurchase } from './record-purchase.decide';

const context: DecisionContext = { now: '2026-11-22T10:00:05.000Z', eventId: 'evt-1', bucketId: 'bkt-1', correlationId: 'corr-1' };

const purchase = (overrides: Partial<RecordPurchase> = {}): RecordPurchase => ({
  tenantId: 'acme',
  transactionId: 'tx-1',
  memberId: 'm-1',
  occurredAt: '2026-11-22T11:00:00+01:00',
  currency: 'EUR',
  lines: [
    { lineId: 'l1', category: 'ski-equipment', amountMinor: 19_999 },
    { lineId: 'l2', category: 'apparel', amountMinor: 4_550 },
    { lineId: 'l3', category: 'gift-cards', amountMinor: 5_000 },
  ],
  ...overrides,
});

describe('decideRecordPurchase', () => {
  it('given a purchase, when decided, then the points are the sum of per-line rounded-down points, pending for the return window', () => {
    const decision = decideRecordPurchase(purchase(), DEFAULT_PROGRAM, context);

    expect(decision.kind).toBe('points-earned');
    if (decision.kind !== 'points-earned') return;
    expect(decision.event.type).toBe('PointsEarned');
    expect(decision.event.data).toEqual({
      bucketId: 'bkt-1',
      currency: 'permanent',
      points: 599 + 91 + 0,
      earnedAt: '2026-11-22T10:00:00.000Z',
      activeFrom: '2026-12-06T10:00:00.000Z',
      pending: true,
      expiresAt: null,
      transactionId: 'tx-1',
      moneyCurrency: 'EUR',
      lines: [
        { lineId: 'l1', category: 'ski-equipment', amountMinor: 19_999, points: 599 },
        { lineId: 'l2', category: 'apparel', amountMinor: 4_550, points: 91 },
        { lineId: 'l3', category: 'gift-cards', amountMinor: 5_000, points: 0 },
      ],
    });
    expect(decision.event.metadata).toEqual({
      eventId: 'evt-1',
      tenantId: 'acme',
      memberId: 'm-1',
      occurredAt: '2026-11-22T10:00:00.000Z',
      recordedAt: '2026-11-22T10:00:05.000Z',
      correlationId: 'corr-1',
      causationId: null,
      schemaVersion: 1,
      programVersion: DEFAULT_PROGRAM.version,
    });
  });

  it('given a program without a return window, then the points are active at once', () => {
    const decision = decideRecordPurchase(purchase(), { ...DEFAULT_PROGRAM, pendingDays: 0 }, context);
    expect(decision.kind === 'points-earned' && decision.event.data).toMatchObject({ pending: false, activeFrom: '2026-11-22T10:00:00.000Z' });
  });

  it('given only zero-rated lines, then no points and no event', () => {
    const decision = decideRecordPurchase(purchase({ lines: [{ lineId: 'g', category: 'gift-cards', amountMinor: 10_000 }] }), DEFAULT_PROGRAM, context);
    expect(decision).toEqual({ kind: 'no-points' });
  });

  it('given a purchase in another currency, then it is rejected with a stable code', () => {
    const decision = decideRecordPurchase(purchase({ currency: 'USD' }), DEFAULT_PROGRAM, context);
    expect(decision).toMatchObject({ kind: 'rejected', code: 'PURCHASE.CURRENCY_NOT_SUPPORTED' });
  });

  it('is deterministic: the same input decides the same event', () => {
    expect(decideRecordPurchase(purchase(), DEFAULT_PROGRAM, context)).toEqual(decideRecordPurchase(purchase(), DEFAULT_PROGRAM, context));
  });
});
