import {
  DEFAULT_PROGRAM,
  type Decision,
  INITIAL_MEMBER_STATE,
  type LedgerEvent,
  type LedgerEventType,
  type MemberState,
  type ProgramConfig,
  evolveMember,
} from '@loyalty/domain';
import { decideAdjustPoints } from '../adjustments/adjust-points.decide';
import { type RecordPurchase, decideRecordPurchase } from '../purchases/record-purchase.decide';
import { decideRedeemPoints } from '../redemptions/redeem-points.decide';
import { decisionContext } from '../test/decision-context.fixture';
import { type RecordReturn, decideRecordReturn } from './record-return.decide';

const context = decisionContext();
const ACTIVE: ProgramConfig = { ...DEFAULT_PROGRAM, pendingDays: 0 };
const ALLOW_NEGATIVE: ProgramConfig = { ...ACTIVE, returns: { whenAlreadySpent: 'allow-negative' } };

const PURCHASE_BUCKET = 'acme/purchase/tx-1/bucket';
const bucketOf = (adjustmentId: string) => `acme/adjustment/${adjustmentId}/bucket`;

/** l1 paid 100.00 EUR for 3 units (apparel x2): 200 points. l2 is a gift card: 0 points. */
const purchase = (overrides: Partial<RecordPurchase> = {}): RecordPurchase => ({
  tenantId: 'acme',
  transactionId: 'tx-1',
  memberId: 'm-1',
  occurredAt: '2026-11-20T10:00:00.000Z',
  channel: 'web',
  currency: 'EUR',
  lines: [
    { lineId: 'l1', sku: 'TEE-3', category: 'apparel', quantity: 3, unitPriceMinor: 3_334, discountMinor: 2 },
    { lineId: 'l2', sku: 'GC-50', category: 'gift-cards', quantity: 1, unitPriceMinor: 5_000, discountMinor: 0 },
  ],
  ...overrides,
});

const returnOf = (lines: RecordReturn['lines'], returnId = 'r-1', transactionId = 'tx-1'): RecordReturn => ({
  tenantId: 'acme',
  returnId,
  transactionId,
  memberId: 'm-1',
  occurredAt: '2026-11-22T09:00:00+01:00',
  lines,
});
const units = (lineId: string, quantity: number) => ({ lineId, quantity, amountMinor: null });
const money = (lineId: string, amountMinor: number) => ({ lineId, quantity: null, amountMinor });

function eventsOf(decision: Decision): readonly LedgerEvent[] {
  if (decision.kind !== 'accepted') throw new Error(`rejected: ${decision.code}`);
  return decision.events;
}

function only<T extends LedgerEventType>(decision: Decision, type: T): Extract<LedgerEvent, { type: T }> {
  const found = eventsOf(decision).filter((e): e is Extract<LedgerEvent, { type: T }> => e.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type}, got ${found.length}`);
  return found[0]!;
}

const fold = (state: MemberState, decision: Decision): MemberState => eventsOf(decision).reduce(evolveMember, state);

/** Given: the member's state after the purchase, as decided and folded. */
function givenPurchase(program: ProgramConfig = DEFAULT_PROGRAM, state: MemberState = INITIAL_MEMBER_STATE, command = purchase()): MemberState {
  return fold(state, decideRecordPurchase(command, state, program, decisionContext(command.occurredAt)));
}

function credit(state: MemberState, adjustmentId: string, points: number, currency: string, at: string): MemberState {
  return fold(state, decideAdjustPoints({ tenantId: 'acme', adjustmentId, memberId: 'm-1', points, currency, reason: 'goodwill', actor: 'ops' }, state, ACTIVE, decisionContext(at)));
}

function whenReturned(state: MemberState, command: RecordReturn, program: ProgramConfig = DEFAULT_PROGRAM): Decision {
  return decideRecordReturn(command, state, program, context);
}

describe('decideRecordReturn', () => {
  describe('how many points a return reverses', () => {
    it('given a purchase, when one of three units comes back, then floor(points x returned / paid) is reversed from the purchase bucket', () => {
      const decision = whenReturned(givenPurchase(), returnOf([units('l1', 1)]));

      expect(decision.kind === 'accepted' && decision.events.map((e) => e.type)).toEqual(['ReturnRecorded', 'PointsReversed']);
      const recorded = only(decision, 'ReturnRecorded');
      expect(recorded.data).toEqual({ returnId: 'r-1', transactionId: 'tx-1', lines: [{ lineId: 'l1', quantity: 1, amountMinor: 3_333 }] });
      expect(recorded.metadata).toMatchObject({ eventId: 'acme/return/r-1/ReturnRecorded', occurredAt: '2026-11-22T08:00:00.000Z', recordedAt: context.now });
      const reversed = only(decision, 'PointsReversed');
      // floor(200 x 3_333 / 10_000) = 66
      expect(reversed.data).toEqual({
        returnId: 'r-1',
        transactionId: 'tx-1',
        points: 66,
        buckets: [{ bucketId: PURCHASE_BUCKET, points: 66 }],
        writtenOff: 0,
        debt: 0,
        lines: [{ lineId: 'l1', category: 'apparel', amountMinor: 3_333, points: 66 }],
      });
      expect(reversed.metadata.eventId).toBe('acme/return/r-1/PointsReversed');
    });

    it('given two partial returns of one line, then they add up to exactly the full-return figure (no rounding drift)', () => {
      const full = only(whenReturned(givenPurchase(), returnOf([units('l1', 3)])), 'PointsReversed').data.points;

      const first = whenReturned(givenPurchase(), returnOf([units('l1', 1)], 'r-1'));
      const afterFirst = fold(givenPurchase(), first);
      const second = whenReturned(afterFirst, returnOf([units('l1', 2)], 'r-2'));
      const afterSecond = fold(afterFirst, second);

      const firstPoints = only(first, 'PointsReversed').data.points;
      const secondPoints = only(second, 'PointsReversed').data.points;
      expect(full).toBe(200);
      // Rounding each return on its own would give floor(200/3) + floor(400/3) = 199.
      expect([firstPoints, secondPoints]).toEqual([66, 134]);
      expect(firstPoints + secondPoints).toBe(full);
      expect(afterSecond.transactions['tx-1']!.lines['l1']).toMatchObject({ returnedQuantity: 3, returnedAmountMinor: 10_000, reversedPoints: 200 });
      expect(afterSecond.buckets[PURCHASE_BUCKET]!.remaining).toBe(0);
    });

    it('given three returns of one unit each, then 66 + 67 + 67 = 200', () => {
      let state = givenPurchase();
      const reversed: number[] = [];
      for (const returnId of ['r-1', 'r-2', 'r-3']) {
        const decision = whenReturned(state, returnOf([units('l1', 1)], returnId));
        reversed.push(only(decision, 'PointsReversed').data.points);
        state = fold(state, decision);
      }
      expect(reversed).toEqual([66, 67, 67]);
      expect(state.transactions['tx-1']!.lines['l1']!.reversedPoints).toBe(200);
    });

    it('given a return by amount, then the refunded money decides the points and no quantity is recorded', () => {
      const decision = whenReturned(givenPurchase(), returnOf([money('l1', 2_500)]));
      expect(only(decision, 'ReturnRecorded').data.lines).toEqual([{ lineId: 'l1', quantity: null, amountMinor: 2_500 }]);
      expect(only(decision, 'PointsReversed').data).toMatchObject({ points: 50, lines: [{ lineId: 'l1', category: 'apparel', amountMinor: 2_500, points: 50 }] });
    });

    it('given more units or money than were bought, then the return is capped at what is left of the line', () => {
      const tooMany = whenReturned(givenPurchase(), returnOf([units('l1', 5)]));
      expect(only(tooMany, 'ReturnRecorded').data.lines).toEqual([{ lineId: 'l1', quantity: 3, amountMinor: 10_000 }]);
      expect(only(tooMany, 'PointsReversed').data.points).toBe(200);

      const afterOne = fold(givenPurchase(), whenReturned(givenPurchase(), returnOf([units('l1', 1)], 'r-1')));
      const rest = whenReturned(afterOne, returnOf([units('l1', 5)], 'r-2'));
      expect(only(rest, 'ReturnRecorded').data.lines).toEqual([{ lineId: 'l1', quantity: 2, amountMinor: 6_667 }]);
      expect(only(rest, 'PointsReversed').data.points).toBe(134);

      const tooMuchMoney = whenReturned(givenPurchase(), returnOf([money('l1', 50_000)]));
      expect(only(tooMuchMoney, 'ReturnRecorded').data.lines).toEqual([{ lineId: 'l1', quantity: null, amountMinor: 10_000 }]);
      expect(only(tooMuchMoney, 'PointsReversed').data.points).toBe(200);
    });

    it('given a line that earned nothing, then the return is recorded without a PointsReversed', () => {
      const decision = whenReturned(givenPurchase(), returnOf([units('l2', 1)]));
      expect(decision.kind === 'accepted' && decision.events.map((e) => e.type)).toEqual(['ReturnRecorded']);
    });
  });

  describe('rejections', () => {
    it('given a line already returned in full, then RETURN.NOTHING_LEFT_TO_RETURN (409) and only the lines with something left are recorded', () => {
      const state = fold(givenPurchase(), whenReturned(givenPurchase(), returnOf([units('l1', 3)], 'r-1')));

      expect(whenReturned(state, returnOf([units('l1', 1)], 'r-2'))).toMatchObject({ kind: 'rejected', code: 'RETURN.NOTHING_LEFT_TO_RETURN', status: 409 });
      expect(whenReturned(state, returnOf([money('l1', 100)], 'r-2'))).toMatchObject({ kind: 'rejected', code: 'RETURN.NOTHING_LEFT_TO_RETURN', status: 409 });
      const mixed = whenReturned(state, returnOf([units('l1', 1), units('l2', 1)], 'r-2'));
      expect(only(mixed, 'ReturnRecorded').data.lines).toEqual([{ lineId: 'l2', quantity: 1, amountMinor: 5_000 }]);
    });

    it('given an unknown transaction or line, then 404', () => {
      expect(whenReturned(givenPurchase(), returnOf([units('l1', 1)], 'r-1', 'tx-unknown'))).toMatchObject({ kind: 'rejected', code: 'RETURN.UNKNOWN_TRANSACTION', status: 404 });
      expect(whenReturned(givenPurchase(), returnOf([units('l1', 1), units('l9', 1)]))).toMatchObject({ kind: 'rejected', code: 'RETURN.UNKNOWN_LINE', status: 404 });
    });
  });

  describe('where the reversed points come from', () => {
    it('given a pending purchase bucket, then the points are cancelled from that bucket only', () => {
      const state = credit(givenPurchase(DEFAULT_PROGRAM), 'adj-perm', 500, 'permanent', '2026-11-21T00:00:00.000Z');
      expect(state.buckets[PURCHASE_BUCKET]).toMatchObject({ pending: true, remaining: 200 });

      const decision = whenReturned(state, returnOf([units('l1', 3)]));
      expect(only(decision, 'PointsReversed').data).toMatchObject({ points: 200, buckets: [{ bucketId: PURCHASE_BUCKET, points: 200 }], writtenOff: 0, debt: 0 });

      const after = fold(state, decision);
      expect(after.buckets[PURCHASE_BUCKET]).toMatchObject({ pending: true, amount: 200, remaining: 0 });
      expect(after.buckets[bucketOf('adj-perm')]!.remaining).toBe(500);
      expect(after.debt).toBe(0);
    });

    /** pendingDays 0: the purchase's 200 points are active; a redemption then spends 180 of them. */
    function givenMostlySpent(program: ProgramConfig): MemberState {
      let state = credit(INITIAL_MEMBER_STATE, 'adj-expired', 1_000, 'temporary', '2026-08-01T00:00:00.000Z'); // expired 2026-10-30
      state = givenPurchase(program, state);
      state = fold(state, decideRedeemPoints({ tenantId: 'acme', redemptionId: 'red-1', memberId: 'm-1', points: 180, reward: null }, state, program, decisionContext('2026-11-20T12:00:00.000Z')));
      expect(state.buckets[PURCHASE_BUCKET]).toMatchObject({ pending: false, remaining: 20 });
      return state;
    }

    it("given active points mostly spent under 'deduct-available', then the rest comes from other spendable buckets, soonest-expiring first", () => {
      let state = givenMostlySpent(ACTIVE);
      state = credit(state, 'adj-perm', 500, 'permanent', '2026-11-21T00:00:00.000Z'); // older, never expires
      state = credit(state, 'adj-temp', 30, 'temporary', '2026-11-21T12:00:00.000Z'); // newer, expires first

      const decision = whenReturned(state, returnOf([units('l1', 3)]), ACTIVE);
      expect(only(decision, 'PointsReversed').data).toMatchObject({
        points: 200,
        buckets: [
          { bucketId: PURCHASE_BUCKET, points: 20 },
          { bucketId: bucketOf('adj-temp'), points: 30 },
          { bucketId: bucketOf('adj-perm'), points: 150 },
        ],
        writtenOff: 0,
        debt: 0,
      });
      const after = fold(state, decision);
      expect([after.buckets[PURCHASE_BUCKET]!.remaining, after.buckets[bucketOf('adj-temp')]!.remaining, after.buckets[bucketOf('adj-perm')]!.remaining]).toEqual([0, 0, 350]);
    });

    it("given too little left elsewhere under 'deduct-available', then what cannot be covered is written off; pending and expired buckets are untouched", () => {
      let state = givenMostlySpent(ACTIVE);
      state = credit(state, 'adj-temp', 30, 'temporary', '2026-11-21T12:00:00.000Z');
      state = givenPurchase(DEFAULT_PROGRAM, state, purchase({ transactionId: 'tx-2', occurredAt: '2026-11-21T13:00:00.000Z' })); // pending

      const decision = whenReturned(state, returnOf([units('l1', 3)]), ACTIVE);
      expect(only(decision, 'PointsReversed').data).toMatchObject({
        points: 200,
        buckets: [
          { bucketId: PURCHASE_BUCKET, points: 20 },
          { bucketId: bucketOf('adj-temp'), points: 30 },
        ],
        writtenOff: 150,
        debt: 0,
      });
      const after = fold(state, decision);
      expect(after.debt).toBe(0);
      expect(after.buckets['acme/purchase/tx-2/bucket']!.remaining).toBe(200);
      expect(after.buckets[bucketOf('adj-expired')]!.remaining).toBe(1_000);
    });

    it("given active points mostly spent under 'allow-negative', then the rest becomes debt and no other bucket is touched", () => {
      let state = givenMostlySpent(ALLOW_NEGATIVE);
      state = credit(state, 'adj-temp', 30, 'temporary', '2026-11-21T12:00:00.000Z');

      const decision = whenReturned(state, returnOf([units('l1', 3)]), ALLOW_NEGATIVE);
      expect(only(decision, 'PointsReversed').data).toMatchObject({ points: 200, buckets: [{ bucketId: PURCHASE_BUCKET, points: 20 }], writtenOff: 0, debt: 180 });
      const after = fold(state, decision);
      expect(after.debt).toBe(180);
      expect(after.buckets[bucketOf('adj-temp')]!.remaining).toBe(30);
    });

    describe('given a debt of 180 after a return', () => {
      function givenDebt(): MemberState {
        const state = givenMostlySpent(ALLOW_NEGATIVE);
        const after = fold(state, whenReturned(state, returnOf([units('l1', 3)]), ALLOW_NEGATIVE));
        expect(after.debt).toBe(180);
        return after;
      }
      const groceries = (transactionId: string, amountMinor: number) =>
        purchase({ transactionId, occurredAt: '2026-11-23T10:00:00.000Z', lines: [{ lineId: 'g1', sku: 'G', category: 'groceries', quantity: 1, unitPriceMinor: amountMinor, discountMinor: 0 }] });

      it('when an active purchase earns 300, then it repays the debt first and the bucket holds the rest', () => {
        const state = givenDebt();
        const decision = decideRecordPurchase(groceries('tx-3', 30_000), state, ALLOW_NEGATIVE, context);
        expect(only(decision, 'PointsEarned').data).toMatchObject({ points: 300, debtRecovered: 180, pending: false });
        const after = fold(state, decision);
        expect(after.debt).toBe(0);
        expect(after.buckets['acme/purchase/tx-3/bucket']).toMatchObject({ amount: 300, remaining: 120 });
      });

      it('when an adjustment credits 100, then all of it repays the debt', () => {
        const state = givenDebt();
        const decision = decideAdjustPoints({ tenantId: 'acme', adjustmentId: 'adj-1', memberId: 'm-1', points: 100, currency: null, reason: 'goodwill', actor: 'ops' }, state, ALLOW_NEGATIVE, context);
        expect(only(decision, 'PointsEarned').data).toMatchObject({ points: 100, debtRecovered: 100 });
        const after = fold(state, decision);
        expect(after.debt).toBe(80);
        expect(after.buckets[bucketOf('adj-1')]).toMatchObject({ amount: 100, remaining: 0 });
      });

      it('when a purchase earns pending points, then they repay nothing yet', () => {
        const state = givenDebt();
        const decision = decideRecordPurchase(groceries('tx-3', 30_000), state, { ...ALLOW_NEGATIVE, pendingDays: 14 }, context);
        expect(only(decision, 'PointsEarned').data).toMatchObject({ points: 300, debtRecovered: 0, pending: true });
        expect(fold(state, decision).debt).toBe(180);
      });
    });
  });
});
