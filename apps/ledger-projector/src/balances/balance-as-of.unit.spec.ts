import { type BucketFacts, type HistoryMovement, foldBalance } from './balance-as-of';

const at = '2026-11-22T10:00:00.000Z';
const movement = (eventType: string, points: number, buckets: [string, number][], debtDelta = 0): HistoryMovement => ({
  eventId: `${eventType}-${points}-${buckets.length}`,
  eventType,
  points,
  causeId: null,
  buckets: buckets.map(([bucketId, p]) => ({ bucketId, points: p })),
  debtDelta,
  recordedAt: at,
});
const facts = new Map<string, BucketFacts>([
  ['p', { currency: 'permanent', pending: false }],
  ['w', { currency: 'permanent', pending: true }],
  ['t', { currency: 'temporary', pending: false }],
]);

describe('folding a history into a balance', () => {
  it('given no movements, then nothing', () => {
    expect(foldBalance([], facts)).toEqual({ currencies: [], debt: 0 });
  });

  it('given earnings, a spend, a cancellation, a reversal and a debit, then each lands in its column', () => {
    const { currencies, debt } = foldBalance(
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
  });

  it('given a reversal of spent points under allow-negative, then debt; a later earning repays it and still qualifies in full', () => {
    const { currencies, debt } = foldBalance([movement('PointsReversed', -30, [], 30), movement('PointsEarned', 50, [['p', 20]], -30)], facts);
    expect(debt).toBe(0);
    expect(currencies).toEqual([{ currency: 'permanent', active: 20, pending: 0, spent: 0, reversed: 0, debited: 0, expired: 0, qualifying: 50 }]);
  });

  it('refuses a movement on a bucket it does not know, rather than guess its currency', () => {
    expect(() => foldBalance([movement('PointsSpent', -1, [['nope', -1]])], facts)).toThrow('unknown bucket nope');
  });
});
