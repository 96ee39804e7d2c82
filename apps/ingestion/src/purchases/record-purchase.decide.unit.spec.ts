import { DEFAULT_PROGRAM, INITIAL_MEMBER_STATE, type LedgerEventOf, type MemberState, evolveMember } from '@loyalty/domain';
import { decisionContext } from '../test/decision-context.fixture';
import { type RecordPurchase, decideRecordPurchase } from './record-purchase.decide';

const context = decisionContext();

const purchase = (overrides: Partial<RecordPurchase> = {}): RecordPurchase => ({
  tenantId: 'acme',
  transactionId: 'tx-1',
  memberId: 'm-1',
  occurredAt: '2026-11-22T11:00:00+01:00',
  channel: 'web',
  currency: 'EUR',
  lines: [
    { lineId: 'l1', sku: 'SKI-1', category: 'ski-equipment', quantity: 1, unitPriceMinor: 19_999, discountMinor: 0 },
    { lineId: 'l2', sku: 'TEE-1', category: 'apparel', quantity: 2, unitPriceMinor: 2_500, discountMinor: 450 },
    { lineId: 'l3', sku: 'GC-50', category: 'gift-cards', quantity: 1, unitPriceMinor: 5_000, discountMinor: 0 },
  ],
  ...overrides,
});

function earnedOf(decision: ReturnType<typeof decideRecordPurchase>): LedgerEventOf<'PointsEarned'> {
  if (decision.kind !== 'accepted') throw new Error(`rejected: ${decision.code}`);
  const earned = decision.events.find((e) => e.type === 'PointsEarned');
  if (earned?.type !== 'PointsEarned') throw new Error('no PointsEarned');
  return earned;
}

describe('decideRecordPurchase', () => {
  it('given a purchase, then PurchaseRecorded and PointsEarned: per-line points rounded down, summed, pending for the return window', () => {
    const decision = decideRecordPurchase(purchase(), INITIAL_MEMBER_STATE, DEFAULT_PROGRAM, context);

    expect(decision.kind === 'accepted' && decision.events.map((e) => e.type)).toEqual(['PurchaseRecorded', 'PointsEarned']);
    const recorded = decision.kind === 'accepted' ? decision.events[0] : undefined;
    expect(recorded?.type === 'PurchaseRecorded' && recorded.data).toMatchObject({ totalMinor: 19_999 + 4_550 + 5_000, channel: 'web' });
    const earned = earnedOf(decision);
    expect(earned.data).toEqual({
      bucketId: 'acme/purchase/tx-1/bucket',
      currency: 'permanent',
      points: 599 + 91,
      basePoints: 599 + 91,
      multiplierHundredths: 100,
      debtRecovered: 0,
      earnedAt: '2026-11-22T10:00:00.000Z',
      activeFrom: '2026-12-06T10:00:00.000Z',
      pending: true,
      expiresAt: null,
      source: {
        kind: 'PURCHASE',
        sourceId: 'tx-1',
        lines: [
          { lineId: 'l1', category: 'ski-equipment', amountMinor: 19_999, points: 599 },
          { lineId: 'l2', category: 'apparel', amountMinor: 4_550, points: 91 },
          { lineId: 'l3', category: 'gift-cards', amountMinor: 5_000, points: 0 },
        ],
      },
    });
    expect(earned.metadata).toEqual({
      eventId: 'acme/purchase/tx-1/PointsEarned',
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

  it('given a VIP employee, then the highest multiplier applies per line (x2), rounded down per line', () => {
    const state: MemberState = { ...INITIAL_MEMBER_STATE, customTiers: ['employee', 'vip'] };
    const earned = earnedOf(decideRecordPurchase(purchase(), state, DEFAULT_PROGRAM, context));
    expect(earned.data.multiplierHundredths).toBe(200);
    expect(earned.data.points).toBe(1198 + 182);
    expect(earned.data.basePoints).toBe(690);
  });

  it('given multipliers that multiply by policy, then x1.5 x2 = x3', () => {
    const program = { ...DEFAULT_PROGRAM, customTiers: { ...DEFAULT_PROGRAM.customTiers, combine: 'multiply' as const } };
    const earned = earnedOf(decideRecordPurchase(purchase(), { ...INITIAL_MEMBER_STATE, customTiers: ['employee', 'vip'] }, program, context));
    expect(earned.data.multiplierHundredths).toBe(300);
  });

  it('given a program without a return window, then the points are active at once and repay a debt first', () => {
    const earned = earnedOf(decideRecordPurchase(purchase(), { ...INITIAL_MEMBER_STATE, debt: 100 }, { ...DEFAULT_PROGRAM, pendingDays: 0 }, context));
    expect(earned.data).toMatchObject({ pending: false, activeFrom: '2026-11-22T10:00:00.000Z', debtRecovered: 100 });
  });

  it('given only zero-rated lines, then the purchase is recorded without points', () => {
    const decision = decideRecordPurchase(purchase({ lines: [{ lineId: 'g', sku: 'GC', category: 'gift-cards', quantity: 1, unitPriceMinor: 10_000, discountMinor: 0 }] }), INITIAL_MEMBER_STATE, DEFAULT_PROGRAM, context);
    expect(decision.kind === 'accepted' && decision.events.map((e) => e.type)).toEqual(['PurchaseRecorded']);
  });

  it('rejects another currency, a discount larger than the line, and a transaction already recorded', () => {
    expect(decideRecordPurchase(purchase({ currency: 'USD' }), INITIAL_MEMBER_STATE, DEFAULT_PROGRAM, context)).toMatchObject({ code: 'PURCHASE.CURRENCY_NOT_SUPPORTED' });
    expect(
      decideRecordPurchase(purchase({ lines: [{ lineId: 'x', sku: 'X', category: 'apparel', quantity: 1, unitPriceMinor: 100, discountMinor: 101 }] }), INITIAL_MEMBER_STATE, DEFAULT_PROGRAM, context),
    ).toMatchObject({ code: 'PURCHASE.DISCOUNT_EXCEEDS_PRICE' });
    const decision = decideRecordPurchase(purchase(), INITIAL_MEMBER_STATE, DEFAULT_PROGRAM, context);
    const state = decision.kind === 'accepted' ? decision.events.reduce(evolveMember, INITIAL_MEMBER_STATE) : INITIAL_MEMBER_STATE;
    expect(decideRecordPurchase(purchase(), state, DEFAULT_PROGRAM, context)).toMatchObject({ kind: 'rejected', code: 'PURCHASE.ALREADY_RECORDED', status: 409 });
  });

  it('is deterministic: the same input decides the same events', () => {
    expect(decideRecordPurchase(purchase(), INITIAL_MEMBER_STATE, DEFAULT_PROGRAM, context)).toEqual(decideRecordPurchase(purchase(), INITIAL_MEMBER_STATE, DEFAULT_PROGRAM, context));
  });
});
