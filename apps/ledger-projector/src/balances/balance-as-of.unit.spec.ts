import { type BucketFacts, type HistoryMovement, foldBalance } from './balance-as-of';

const at = '2026-11-22T10:00:00.000Z';
const movement = (eventType: string, points: number, buckets: [string, number][], o: { debtDelta?: number; bucketId?: string; transactionId?: string } = {}): HistoryMovement => ({
  eventId: `${eventType}-${points}-${buckets.length}`,
  eventType,
  points,
  causeId: null,
  bucketId: o.bucketId ?? null,
  transactionId: o.transactionId ?? null,
  buckets: buckets.map(([bucketId, p]) => ({ bucketId, points: p })),
  debtDelta: o.debtDelta ?? 0,
  recordedAt: at,
});
const facts = new Map<string, BucketFacts>([
  ['p', { currency: 'permanent', pending: false }],
  ['w', { currency: 'permanent', pending: true }],
  ['t', { currency: 'temporary', pending: false }],
]);
const zero = { active: 0, pending: 0, spent: 0, reversed: 0, debited: 0, expired: 0, qualifying: 0 };

describe('folding a history into a balance', () => {
  it('given no movements, then nothing', () => {
    expect(foldBalance([], facts)).toEqual({ currencies: [], debt: 0, qualifyingPoints: 0 });
  });

  it('given earnings, a spend, a cancellation, a reversal and a debit, then each lands in its column', () => {
    const { currencies, debt, qualifyingPoints } = foldBalance(
      [
        movement('PointsEarned', 100, [['p', 100]]),
        movement('PointsEarned', 40, [['w', 40]]),
        movement('PointsEarned', 20, [['t', 20]]),
        movement('PointsSpent', -30, [['t', -20], ['p', -10]]),
        movement('RedemptionCancelled', 5, [['p', 5]]),
        movement('PointsReversed', -25, [['p', -20], ['w', -5]]),
        movement('PointsAdjusted', -5, [['p', -5]]),
      ],
      facts,
    );
    expect(currencies).toEqual([
      { currency: 'permanent', active: 70, pending: 35, spent: 5, reversed: 25, debited: 5, expired: 0, qualifying: 75 },
      { currency: 'temporary', active: 0, pending: 0, spent: 20, reversed: 0, debited: 0, expired: 0, qualifying: 20 },
    ]);
    expect(debt).toBe(0);
    // The 5 cancelled pending points never counted.
    expect(qualifyingPoints).toBe(95);
  });

  it('given a reversal of spent points under allow-negative, then debt, and the reversal lowers qualifying points in the currency of the purchase', () => {
    const { currencies, debt, qualifyingPoints } = foldBalance(
      [
        movement('PointsEarned', 30, [['p', 30]], { transactionId: 'tx-1' }),
        movement('PointsSpent', -30, [['p', -30]]),
        movement('PointsReversed', -30, [], { debtDelta: 30, transactionId: 'tx-1' }),
        movement('PointsEarned', 50, [['t', 20]], { debtDelta: -30 }),
      ],
      facts,
    );
    expect(debt).toBe(0);
    expect(currencies).toEqual([
      { ...zero, currency: 'permanent', spent: 30, qualifying: 0 },
      // A later earning repays the debt and still qualifies in full.
      { ...zero, currency: 'temporary', active: 20, qualifying: 50 },
    ]);
    expect(qualifyingPoints).toBe(50);
  });

  it('given a reversal whose purchase is not in the history, then it lowers the member qualifying points only', () => {
    const { currencies, qualifyingPoints } = foldBalance([movement('PointsEarned', 50, [['p', 50]]), movement('PointsReversed', -30, [], { debtDelta: 30, transactionId: 'tx-gone' })], facts);
    expect(currencies).toEqual([{ ...zero, currency: 'permanent', active: 50, qualifying: 50 }]);
    expect(qualifyingPoints).toBe(20);
  });

  it('given an activation, then what is left of the bucket moves from pending to active and starts to qualify', () => {
    const { currencies, qualifyingPoints } = foldBalance(
      [
        movement('PointsEarned', 40, [['w', 40]]),
        movement('PointsReversed', -10, [['w', -10]]),
        movement('PointsActivated', 30, [], { bucketId: 'w' }),
        // Replayed or duplicated, an activation of an active bucket changes nothing.
        movement('PointsActivated', 30, [], { bucketId: 'w' }),
      ],
      facts,
    );
    expect(currencies).toEqual([{ ...zero, currency: 'permanent', active: 30, reversed: 10, qualifying: 30 }]);
    expect(qualifyingPoints).toBe(30);
  });

  it('given an expiry, then the rest of the bucket goes to expired and stops qualifying, once', () => {
    const { currencies, qualifyingPoints } = foldBalance(
      [
        movement('PointsEarned', 20, [['t', 20]]),
        movement('PointsSpent', -5, [['t', -5]]),
        movement('PointsExpired', -15, [['t', -15]], { bucketId: 't' }),
        movement('PointsExpired', -15, [['t', -15]], { bucketId: 't' }),
      ],
      facts,
    );
    expect(currencies).toEqual([{ ...zero, currency: 'temporary', spent: 5, expired: 15, qualifying: 5 }]);
    expect(qualifyingPoints).toBe(5);
  });

  it('refuses a movement on a bucket it does not know, rather than guess its currency', () => {
    expect(() => foldBalance([movement('PointsSpent', -1, [['nope', -1]])], facts)).toThrow('unknown bucket nope');
    expect(() => foldBalance([movement('PointsActivated', 1, [], { bucketId: 'nope' })], facts)).toThrow('unknown bucket nope');
  });
});
