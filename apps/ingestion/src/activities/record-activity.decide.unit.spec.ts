import {
  DEFAULT_PROGRAM,
  type Decision,
  INITIAL_MEMBER_STATE,
  type LedgerEvent,
  type LedgerEventType,
  type MemberState,
  type ProgramConfig,
  evolveMember,
  metadataFor,
} from '@loyalty/domain';
import { decisionContext } from '../test/decision-context.fixture';
import { type RecordActivity, decideRecordActivity } from './record-activity.decide';

const context = decisionContext();

const activity = (activityId: string, occurredAt: string, activityType = 'product-usage'): RecordActivity => ({ tenantId: 'acme', activityId, memberId: 'm-1', activityType, occurredAt });

function eventsOf(decision: Decision): readonly LedgerEvent[] {
  if (decision.kind !== 'accepted') throw new Error(`rejected: ${decision.code}`);
  return decision.events;
}

function all<T extends LedgerEventType>(decision: Decision, type: T): Extract<LedgerEvent, { type: T }>[] {
  return eventsOf(decision).filter((e): e is Extract<LedgerEvent, { type: T }> => e.type === type);
}

const recordedOf = (decision: Decision) => all(decision, 'ActivityRecorded')[0]!.data;
const fold = (state: MemberState, decision: Decision): MemberState => eventsOf(decision).reduce(evolveMember, state);

/** Decides and folds each activity in turn; returns every decision and the final state. */
function given(activities: readonly RecordActivity[], program: ProgramConfig = DEFAULT_PROGRAM, initial: MemberState = INITIAL_MEMBER_STATE) {
  let state = initial;
  const decisions: Decision[] = [];
  for (const a of activities) {
    const decision = decideRecordActivity(a, state, program, context);
    decisions.push(decision);
    state = fold(state, decision);
  }
  return { decisions, state };
}

describe('decideRecordActivity', () => {
  it('given a product-usage, then ActivityRecorded and PointsEarned: the program’s points in its currency, active at once, expiring after 90 days', () => {
    const decision = decideRecordActivity(activity('a-1', '2026-11-22T08:00:00Z'), INITIAL_MEMBER_STATE, DEFAULT_PROGRAM, context);

    expect(eventsOf(decision).map((e) => e.type)).toEqual(['ActivityRecorded', 'PointsEarned']);
    expect(recordedOf(decision)).toEqual({ activityId: 'a-1', activityType: 'product-usage', periodKey: '2026-11-22', limited: false });
    const earned = all(decision, 'PointsEarned')[0]!;
    expect(earned.data).toEqual({
      bucketId: 'acme/activity/a-1/bucket',
      currency: 'temporary',
      points: 20,
      basePoints: 20,
      multiplierHundredths: 100,
      debtRecovered: 0,
      earnedAt: '2026-11-22T08:00:00.000Z',
      activeFrom: '2026-11-22T08:00:00.000Z',
      pending: false,
      expiresAt: '2027-02-20T08:00:00.000Z',
      source: { kind: 'ACTIVITY', sourceId: 'a-1', lines: [] },
    });
    expect(earned.metadata).toMatchObject({ eventId: 'acme/activity/a-1/PointsEarned', programVersion: DEFAULT_PROGRAM.version, recordedAt: context.now });
  });

  it('given another activity type or program, then its own points, currency and period apply', () => {
    const review = decideRecordActivity(activity('a-1', '2026-11-22T08:00:00Z', 'review-written'), INITIAL_MEMBER_STATE, DEFAULT_PROGRAM, context);
    expect(recordedOf(review).periodKey).toBe('2026-11');
    expect(all(review, 'PointsEarned')[0]!.data).toMatchObject({ points: 50, currency: 'temporary' });

    const program: ProgramConfig = { ...DEFAULT_PROGRAM, activities: { 'check-in': { points: 5, currency: 'permanent', limit: null } } };
    const { decisions } = given([activity('a-1', '2026-11-22T08:00:00Z', 'check-in'), activity('a-2', '2026-11-22T08:01:00Z', 'check-in')], program);
    for (const d of decisions) {
      expect(recordedOf(d)).toMatchObject({ periodKey: 'none', limited: false });
      expect(all(d, 'PointsEarned')[0]!.data).toMatchObject({ points: 5, currency: 'permanent', expiresAt: null });
    }
  });

  describe('per-period limits, in the program’s time zone (Europe/Berlin)', () => {
    it('given a product-usage at 08:00Z, when another comes at 20:00Z the same Berlin day, then it is recorded as limited without points', () => {
      const { decisions, state } = given([activity('a-1', '2026-11-22T08:00:00Z'), activity('a-2', '2026-11-22T20:00:00Z')]);

      expect(recordedOf(decisions[1]!)).toEqual({ activityId: 'a-2', activityType: 'product-usage', periodKey: '2026-11-22', limited: true });
      expect(all(decisions[1]!, 'PointsEarned')).toEqual([]);
      // A limited activity does not count towards the limit.
      expect(state.activityCounts['product-usage|2026-11-22']).toBe(1);
    });

    it('given winter time (UTC+1), then 22:30Z is still the same Berlin day and 23:00Z is the next one', () => {
      const { decisions } = given([activity('a-1', '2026-11-22T08:00:00Z'), activity('a-2', '2026-11-22T22:30:00Z'), activity('a-3', '2026-11-22T23:00:00Z')]);

      expect(decisions.map((d) => recordedOf(d))).toEqual([
        { activityId: 'a-1', activityType: 'product-usage', periodKey: '2026-11-22', limited: false },
        { activityId: 'a-2', activityType: 'product-usage', periodKey: '2026-11-22', limited: true },
        { activityId: 'a-3', activityType: 'product-usage', periodKey: '2026-11-23', limited: false },
      ]);
      expect(decisions.map((d) => all(d, 'PointsEarned').length)).toEqual([1, 0, 1]);
    });

    it('given summer time (UTC+2), then 08:00Z and 22:30Z are on different Berlin days and both earn', () => {
      const { decisions } = given([activity('a-1', '2026-07-01T08:00:00Z'), activity('a-2', '2026-07-01T22:30:00Z')]);
      expect(decisions.map((d) => recordedOf(d).periodKey)).toEqual(['2026-07-01', '2026-07-02']);
      expect(decisions.map((d) => all(d, 'PointsEarned')[0]?.data.points)).toEqual([20, 20]);
    });

    it('given five reviews in a Berlin month, then the sixth is limited until the Berlin month turns', () => {
      const november = ['01', '05', '10', '15', '20'].map((day, i) => activity(`rv-${i}`, `2026-11-${day}T12:00:00Z`, 'review-written'));
      const { decisions } = given([...november, activity('rv-5', '2026-11-30T22:59:59Z', 'review-written'), activity('rv-6', '2026-11-30T23:00:00Z', 'review-written')]);

      expect(decisions.map((d) => recordedOf(d).limited)).toEqual([false, false, false, false, false, true, false]);
      expect(recordedOf(decisions[6]!).periodKey).toBe('2026-12');
    });
  });

  it('given custom tiers, then the highest multiplier applies (employee x2, VIP x1.5)', () => {
    const employee = decideRecordActivity(activity('a-1', '2026-11-22T08:00:00Z'), { ...INITIAL_MEMBER_STATE, customTiers: ['employee'] }, DEFAULT_PROGRAM, context);
    expect(all(employee, 'PointsEarned')[0]!.data).toMatchObject({ points: 40, basePoints: 20, multiplierHundredths: 200 });

    const vip = decideRecordActivity(activity('a-1', '2026-11-22T08:00:00Z', 'review-written'), { ...INITIAL_MEMBER_STATE, customTiers: ['vip'] }, DEFAULT_PROGRAM, context);
    expect(all(vip, 'PointsEarned')[0]!.data).toMatchObject({ points: 75, basePoints: 50, multiplierHundredths: 150 });

    const both = decideRecordActivity(activity('a-1', '2026-11-22T08:00:00Z'), { ...INITIAL_MEMBER_STATE, customTiers: ['employee', 'vip'] }, DEFAULT_PROGRAM, context);
    expect(all(both, 'PointsEarned')[0]!.data).toMatchObject({ points: 40, multiplierHundredths: 200 });
  });

  it('given an activity type the program does not know, then 422 ACTIVITY.UNKNOWN_TYPE', () => {
    expect(decideRecordActivity(activity('a-1', '2026-11-22T08:00:00Z', 'tree-planted'), INITIAL_MEMBER_STATE, DEFAULT_PROGRAM, context)).toMatchObject({
      kind: 'rejected',
      code: 'ACTIVITY.UNKNOWN_TYPE',
      status: 422,
    });
  });

  describe('given a re-engagement offer for product-usage from 2026-11-20 until 2026-12-04', () => {
    const offerState = (base: MemberState = INITIAL_MEMBER_STATE): MemberState =>
      evolveMember(base, {
        type: 'ReengagementOfferGranted',
        data: { offerId: 'offer-1', activityType: 'product-usage', bonusPoints: 200, validFrom: '2026-11-20T00:00:00.000Z', validUntil: '2026-12-04T00:00:00.000Z' },
        metadata: metadataFor(context, { tenantId: 'acme', memberId: 'm-1', occurredAt: '2026-11-20T00:00:00.000Z' }, 'acme/offer/offer-1/ReengagementOfferGranted', DEFAULT_PROGRAM.version),
      });
    const bonusOf = (decision: Decision) => all(decision, 'PointsEarned').filter((e) => e.data.source.kind === 'REENGAGEMENT');

    it('when a product-usage happens inside the window, then it earns its points and the bonus, once', () => {
      const { decisions, state } = given([activity('a-1', '2026-11-22T08:00:00Z'), activity('a-2', '2026-11-23T08:00:00Z')], DEFAULT_PROGRAM, offerState());

      expect(eventsOf(decisions[0]!).map((e) => e.type)).toEqual(['ActivityRecorded', 'PointsEarned', 'PointsEarned']);
      const bonus = bonusOf(decisions[0]!);
      expect(bonus.map((e) => e.data)).toEqual([
        {
          bucketId: 'acme/offer/offer-1/bucket',
          currency: 'temporary',
          points: 200,
          basePoints: 200,
          multiplierHundredths: 100,
          debtRecovered: 0,
          earnedAt: '2026-11-22T08:00:00.000Z',
          activeFrom: '2026-11-22T08:00:00.000Z',
          pending: false,
          expiresAt: '2027-02-20T08:00:00.000Z',
          source: { kind: 'REENGAGEMENT', sourceId: 'offer-1', lines: [] },
        },
      ]);
      expect(bonus[0]!.metadata.eventId).toBe('acme/offer/offer-1/PointsEarned');
      expect(state.offers['offer-1']!.used).toBe(true);
      // The next day's product-usage earns its own points, but the offer is used.
      expect(all(decisions[1]!, 'PointsEarned').map((e) => e.data.source.kind)).toEqual(['ACTIVITY']);
    });

    it('when a product-usage happens outside the window, then no bonus (from is inclusive, until exclusive)', () => {
      const at = (occurredAt: string) => bonusOf(decideRecordActivity(activity('a-1', occurredAt), offerState(), DEFAULT_PROGRAM, context)).length;
      expect(at('2026-11-19T23:59:59.999Z')).toBe(0);
      expect(at('2026-11-20T00:00:00.000Z')).toBe(1);
      expect(at('2026-12-03T23:59:59.999Z')).toBe(1);
      expect(at('2026-12-04T00:00:00.000Z')).toBe(0);
    });

    it('when another activity type happens inside the window, then no bonus and the offer stays open', () => {
      const { decisions, state } = given([activity('a-1', '2026-11-22T08:00:00Z', 'review-written')], DEFAULT_PROGRAM, offerState());
      expect(bonusOf(decisions[0]!)).toEqual([]);
      expect(state.offers['offer-1']!.used).toBe(false);
    });

    it('when the member owes 30 points, then the activity repays 20 and the bonus the remaining 10', () => {
      const { decisions, state } = given([activity('a-1', '2026-11-22T08:00:00Z')], DEFAULT_PROGRAM, offerState({ ...INITIAL_MEMBER_STATE, debt: 30 }));
      expect(all(decisions[0]!, 'PointsEarned').map((e) => e.data.debtRecovered)).toEqual([20, 10]);
      expect(state.debt).toBe(0);
      expect(state.buckets['acme/offer/offer-1/bucket']!.remaining).toBe(190);
    });
  });
});
