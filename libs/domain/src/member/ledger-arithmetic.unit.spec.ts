import fc from 'fast-check';
import { type BucketAmount } from '../events/generated/ledger-event.types';
import { type LedgerEvent } from '../events/ledger-event';
import { type BucketState, INITIAL_MEMBER_STATE, type MemberState, type TransactionLineState } from './member-state';
import { evolveMember } from './evolve-member';
import { lineReversal } from '../returns/return-reversal';
import { availablePoints, spendableBuckets, takePoints } from '../spending/spendable-buckets';
import { applyMultiplier } from '../earning/multiplier';

const NOW = '2026-11-22T12:00:00.000Z';

const bucketArb = fc.record({
  bucketId: fc.uuid(),
  currency: fc.constantFrom('permanent', 'temporary'),
  amount: fc.integer({ min: 1, max: 100_000 }),
  pending: fc.boolean(),
  earnedAt: fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z'),
  expiresAt: fc.constantFrom(null, '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', '2027-03-01T00:00:00.000Z'),
  spentShare: fc.integer({ min: 0, max: 100 }),
});

type BucketInput = typeof bucketArb extends fc.Arbitrary<infer T> ? T : never;

function stateWith(buckets: BucketInput[]): MemberState {
  const entries = buckets.map((b): [string, BucketState] => [
    b.bucketId,
    {
      bucketId: b.bucketId,
      currency: b.currency,
      amount: b.amount,
      remaining: b.amount - Math.floor((b.amount * b.spentShare) / 100),
      pending: b.pending,
      earnedAt: b.earnedAt,
      activeFrom: b.earnedAt,
      expiresAt: b.expiresAt,
      owed: 0,
      expired: false,
    },
  ]);
  return { ...INITIAL_MEMBER_STATE, buckets: Object.fromEntries(entries) };
}

const meta = { eventId: 'e', tenantId: 't', memberId: 'm', occurredAt: NOW, recordedAt: NOW, correlationId: 'c', causationId: null, schemaVersion: 1, programVersion: null };
const spend = (buckets: BucketAmount[], points: number): LedgerEvent => ({ type: 'PointsSpent', data: { redemptionId: 'r', points, reward: null, buckets }, metadata: meta });

describe('ledger arithmetic (property-based)', () => {
  it('spending takes exactly the points asked when available, only from spendable buckets, never beyond a bucket', () => {
    fc.assert(
      fc.property(fc.uniqueArray(bucketArb, { selector: (b) => b.bucketId, maxLength: 12 }), fc.integer({ min: 1, max: 500_000 }), (buckets, asked) => {
        const state = stateWith(buckets);
        const spendable = spendableBuckets(state, NOW);
        const available = availablePoints(state, NOW);
        const { taken, shortfall } = takePoints(spendable, asked);
        const takenTotal = taken.reduce((s, t) => s + t.points, 0);
        expect(takenTotal + shortfall).toBe(asked);
        expect(shortfall).toBe(Math.max(0, asked - available));
        for (const t of taken) {
          const bucket = state.buckets[t.bucketId]!;
          expect(t.points).toBeGreaterThan(0);
          expect(t.points).toBeLessThanOrEqual(bucket.remaining);
          expect(bucket.pending).toBe(false);
          expect(bucket.expiresAt === null || bucket.expiresAt > NOW).toBe(true);
        }
        // After the spend, the sum of remaining equals the old sum minus what was taken, and no bucket is negative.
        if (shortfall === 0) {
          const after = evolveMember(state, spend(taken, asked));
          const sum = (s: MemberState) => Object.values(s.buckets).reduce((acc, b) => acc + b.remaining, 0);
          expect(sum(after)).toBe(sum(state) - asked);
          expect(Object.values(after.buckets).every((b) => b.remaining >= 0)).toBe(true);
          expect(availablePoints(after, NOW)).toBe(available - asked);
        }
      }),
    );
  });

  it('spending order: every bucket taken from expires no later than any spendable bucket left untouched', () => {
    fc.assert(
      fc.property(fc.uniqueArray(bucketArb, { selector: (b) => b.bucketId, maxLength: 12 }), fc.integer({ min: 1, max: 200_000 }), (buckets, asked) => {
        const state = stateWith(buckets);
        const { taken } = takePoints(spendableBuckets(state, NOW), asked);
        const touched = new Set(taken.map((t) => t.bucketId));
        const expiry = (b: BucketState) => (b.expiresAt === null ? Infinity : Date.parse(b.expiresAt));
        const untouched = spendableBuckets(state, NOW).filter((b) => !touched.has(b.bucketId));
        for (const id of touched) for (const u of untouched) expect(expiry(state.buckets[id]!)).toBeLessThanOrEqual(expiry(u));
      }),
    );
  });

  it('returns never reverse more than the line earned, however the line is returned in parts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(fc.oneof(fc.record({ quantity: fc.integer({ min: 1, max: 60 }), amountMinor: fc.constant(null) }), fc.record({ quantity: fc.constant(null), amountMinor: fc.integer({ min: 1, max: 2_000_000 }) })), { maxLength: 8 }),
        (quantity, amountMinor, points, parts) => {
          let line: TransactionLineState = { category: 'x', quantity, amountMinor, points, returnedQuantity: 0, returnedAmountMinor: 0, reversedPoints: 0 };
          for (const part of parts) {
            const r = lineReversal(line, part);
            expect(r.points).toBeGreaterThanOrEqual(0);
            expect(r.amountMinor).toBeGreaterThanOrEqual(0);
            line = { ...line, returnedQuantity: line.returnedQuantity + (r.quantity ?? 0), returnedAmountMinor: line.returnedAmountMinor + r.amountMinor, reversedPoints: line.reversedPoints + r.points };
            expect(line.returnedAmountMinor).toBeLessThanOrEqual(amountMinor);
            expect(line.reversedPoints).toBeLessThanOrEqual(points);
            // Cumulative rounding: after returning R of P, exactly floor(E x R / P) are reversed.
            if (amountMinor > 0) expect(line.reversedPoints).toBe(Math.floor((points * line.returnedAmountMinor) / amountMinor));
          }
        },
      ),
    );
  });

  it('a full return reverses every earned point', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 100_000 }), (quantity, amountMinor, points) => {
        const line: TransactionLineState = { category: 'x', quantity, amountMinor, points, returnedQuantity: 0, returnedAmountMinor: 0, reversedPoints: 0 };
        expect(lineReversal(line, { quantity, amountMinor: null }).points).toBe(points);
      }),
    );
  });

  it('multipliers: never negative, never below x1 for multipliers >= 100, monotonic in the points', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 10_000_000 }), (p, m, q) => {
        expect(applyMultiplier(p, m)).toBeGreaterThanOrEqual(0);
        if (m >= 100) expect(applyMultiplier(p, m)).toBeGreaterThanOrEqual(p);
        if (p <= q) expect(applyMultiplier(p, m)).toBeLessThanOrEqual(applyMultiplier(q, m));
      }),
    );
  });
});
