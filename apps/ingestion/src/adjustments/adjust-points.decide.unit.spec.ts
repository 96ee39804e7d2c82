import { DEFAULT_PROGRAM, type Decision, INITIAL_MEMBER_STATE, type LedgerEvent, type MemberState, type ProgramConfig, availablePoints, evolveMember } from '@loyalty/domain';
import { decideRecordPurchase } from '../purchases/record-purchase.decide';
import { decisionContext } from '../test/decision-context.fixture';
import { type AdjustPoints, decideAdjustPoints } from './adjust-points.decide';

const context = decisionContext(); // now: 2026-11-22T10:00:05.000Z
const bucketOf = (adjustmentId: string) => `acme/adjustment/${adjustmentId}/bucket`;

const adjust = (points: number, currency: string | null = null, adjustmentId = 'adj-1'): AdjustPoints => ({
  tenantId: 'acme',
  adjustmentId,
  memberId: 'm-1',
  points,
  currency,
  reason: 'goodwill for a late delivery',
  actor: 'support-desk',
});

function eventsOf(decision: Decision): readonly LedgerEvent[] {
  if (decision.kind !== 'accepted') throw new Error(`rejected: ${decision.code}`);
  return decision.events;
}
const fold = (state: MemberState, decision: Decision): MemberState => eventsOf(decision).reduce(evolveMember, state);
const given = (state: MemberState, command: AdjustPoints, at: string, program: ProgramConfig = DEFAULT_PROGRAM) => fold(state, decideAdjustPoints(command, state, program, decisionContext(at)));

describe('decideAdjustPoints', () => {
  describe('credits', () => {
    it('given no currency, then one active bucket in the program’s point currency (permanent: never expires)', () => {
      const decision = decideAdjustPoints(adjust(150), INITIAL_MEMBER_STATE, DEFAULT_PROGRAM, context);

      const events = eventsOf(decision);
      expect(events.map((e) => e.type)).toEqual(['PointsEarned']);
      expect(events[0]!.data).toEqual({
        bucketId: bucketOf('adj-1'),
        currency: 'permanent',
        points: 150,
        basePoints: 150,
        multiplierHundredths: 100,
        debtRecovered: 0,
        earnedAt: context.now,
        activeFrom: context.now,
        pending: false,
        expiresAt: null,
        source: { kind: 'ADJUSTMENT', sourceId: 'adj-1', lines: [] },
      });
      expect(events[0]!.metadata).toMatchObject({ eventId: 'acme/adjustment/adj-1/PointsEarned', occurredAt: context.now, programVersion: DEFAULT_PROGRAM.version });
      expect(availablePoints(fold(INITIAL_MEMBER_STATE, decision), context.now)).toBe(150);
    });

    it('given a named currency, then the bucket is in it and expires per that currency (temporary: 90 days)', () => {
      const temporary = eventsOf(decideAdjustPoints(adjust(40, 'temporary'), INITIAL_MEMBER_STATE, DEFAULT_PROGRAM, context))[0]!;
      expect(temporary.data).toMatchObject({ currency: 'temporary', pending: false, activeFrom: context.now, expiresAt: '2027-02-20T10:00:05.000Z' });

      const program: ProgramConfig = { ...DEFAULT_PROGRAM, currencies: { ...DEFAULT_PROGRAM.currencies, promo: { expiresAfterDays: 7 } } };
      const promo = eventsOf(decideAdjustPoints(adjust(40, 'promo'), INITIAL_MEMBER_STATE, program, context))[0]!;
      expect(promo.data).toMatchObject({ currency: 'promo', expiresAt: '2026-11-29T10:00:05.000Z' });
    });

    it('given a currency the program does not define, then 422 ADJUSTMENT.UNKNOWN_CURRENCY', () => {
      expect(decideAdjustPoints(adjust(40, 'gold-coins'), INITIAL_MEMBER_STATE, DEFAULT_PROGRAM, context)).toMatchObject({
        kind: 'rejected',
        code: 'ADJUSTMENT.UNKNOWN_CURRENCY',
        status: 422,
      });
    });

    it('given custom tiers, then the credit is not multiplied', () => {
      const decision = decideAdjustPoints(adjust(100), { ...INITIAL_MEMBER_STATE, customTiers: ['employee'] }, DEFAULT_PROGRAM, context);
      expect(eventsOf(decision)[0]!.data).toMatchObject({ points: 100, multiplierHundredths: 100 });
    });
  });

  describe('debits', () => {
    /** 150 spendable: temp 50 (newest, expires first) and perm 100; plus an expired temporary 300 and a pending purchase 1_000. */
    function givenBuckets(): MemberState {
      let state = given(INITIAL_MEMBER_STATE, adjust(100, 'permanent', 'perm'), '2026-10-01T00:00:00.000Z');
      state = given(state, adjust(300, 'temporary', 'expired'), '2026-08-01T00:00:00.000Z');
      state = given(state, adjust(50, 'temporary', 'temp'), '2026-11-15T00:00:00.000Z');
      const purchase = {
        tenantId: 'acme',
        transactionId: 'tx-1',
        memberId: 'm-1',
        occurredAt: '2026-11-20T10:00:00.000Z',
        channel: 'web',
        currency: 'EUR',
        lines: [{ lineId: 'l1', sku: 'G', category: 'groceries', quantity: 1, unitPriceMinor: 100_000, discountMinor: 0 }],
      };
      return fold(state, decideRecordPurchase(purchase, state, DEFAULT_PROGRAM, context));
    }

    it('given a negative adjustment, then PointsAdjusted takes the soonest-expiring points first and names the buckets', () => {
      const state = givenBuckets();
      const decision = decideAdjustPoints(adjust(-70, null, 'adj-debit'), state, DEFAULT_PROGRAM, context);

      const events = eventsOf(decision);
      expect(events.map((e) => e.type)).toEqual(['PointsAdjusted']);
      expect(events[0]!.data).toEqual({
        adjustmentId: 'adj-debit',
        points: 70,
        reason: 'goodwill for a late delivery',
        actor: 'support-desk',
        buckets: [
          { bucketId: bucketOf('temp'), points: 50 },
          { bucketId: bucketOf('perm'), points: 20 },
        ],
      });
      expect(events[0]!.metadata.eventId).toBe('acme/adjustment/adj-debit/PointsAdjusted');

      const after = fold(state, decision);
      expect(after.buckets[bucketOf('temp')]!.remaining).toBe(0);
      expect(after.buckets[bucketOf('perm')]!.remaining).toBe(80);
      expect(after.buckets[bucketOf('expired')]!.remaining).toBe(300);
      expect(availablePoints(after, context.now)).toBe(80);
    });

    it('given a debit above the spendable points (pending and expired do not count), then 409 LEDGER.INSUFFICIENT_POINTS', () => {
      const state = givenBuckets();
      expect(decideAdjustPoints(adjust(-150), state, DEFAULT_PROGRAM, context).kind).toBe('accepted');
      expect(decideAdjustPoints(adjust(-151), state, DEFAULT_PROGRAM, context)).toMatchObject({ kind: 'rejected', code: 'LEDGER.INSUFFICIENT_POINTS', status: 409 });
    });

    it('given a VIP whose temporary points never expire while VIP, then points past their date can be debited, soonest-expiring first', () => {
      const state: MemberState = { ...givenBuckets(), customTiers: ['vip'] };
      const decision = decideAdjustPoints(adjust(-320, null, 'adj-debit'), state, DEFAULT_PROGRAM, context);
      expect(eventsOf(decision)[0]!.data).toMatchObject({ buckets: [{ bucketId: bucketOf('expired'), points: 300 }, { bucketId: bucketOf('temp'), points: 20 }] });
      expect(decideAdjustPoints(adjust(-451), state, DEFAULT_PROGRAM, context)).toMatchObject({ kind: 'rejected', code: 'LEDGER.INSUFFICIENT_POINTS' });
    });
  });
});
