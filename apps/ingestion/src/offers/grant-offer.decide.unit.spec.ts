import { DEFAULT_PROGRAM, INITIAL_MEMBER_STATE, type LedgerEvent, type MemberState } from '@loyalty/domain';
import { decideRecordActivity } from '../activities/record-activity.decide';
import { decisionContext } from '../test/decision-context.fixture';
import { eventsOf, fold, rulesOrigin } from '../test/rules-command.fixture';
import { type GrantOffer, decideGrantOffer } from './grant-offer.decide';

const context = decisionContext('2026-12-01T23:00:04.000Z');
const grant = (commandId = 'offer-cmd-1', offerId = 'offer-1'): GrantOffer => ({
  ...rulesOrigin(commandId),
  offerId,
  activityType: 'product-usage',
  bonusPoints: 200,
  validFrom: '2026-12-01T23:00:00.000Z',
  validUntil: '2026-12-15T23:00:00.000Z',
});
const usage = (activityId: string, occurredAt: string) => ({ tenantId: 'acme', activityId, memberId: 'm-1', activityType: 'product-usage', occurredAt });
const earnedOf = (events: readonly LedgerEvent[]) => events.flatMap((e) => (e.type === 'PointsEarned' ? [e.data] : []));

describe('decideGrantOffer', () => {
  it('given a member without the offer, when the rules service grants it, then ReengagementOfferGranted opens it', () => {
    const decision = decideGrantOffer(grant(), INITIAL_MEMBER_STATE, context);

    const events = eventsOf(decision);
    expect(events.map((e) => e.type)).toEqual(['ReengagementOfferGranted']);
    expect(events[0]!.data).toEqual({ offerId: 'offer-1', activityType: 'product-usage', bonusPoints: 200, validFrom: '2026-12-01T23:00:00.000Z', validUntil: '2026-12-15T23:00:00.000Z' });
    expect(events[0]!.metadata).toMatchObject({
      eventId: 'acme/rules/offer-cmd-1/ReengagementOfferGranted',
      occurredAt: '2026-12-01T23:00:00.000Z',
      recordedAt: context.now,
      correlationId: 'offer-cmd-1',
      causationId: 'cause-1',
      programVersion: 'rules-v7',
    });
    expect(fold(INITIAL_MEMBER_STATE, decision).offers).toEqual({
      'offer-1': { activityType: 'product-usage', bonusPoints: 200, validFrom: '2026-12-01T23:00:00.000Z', validUntil: '2026-12-15T23:00:00.000Z', used: false },
    });
  });

  it('given the offer granted, when a qualifying activity happens inside the window, then it earns the bonus once', () => {
    const state = fold(INITIAL_MEMBER_STATE, decideGrantOffer(grant(), INITIAL_MEMBER_STATE, context));

    const first = eventsOf(decideRecordActivity(usage('a-1', '2026-12-03T09:00:00Z'), state, DEFAULT_PROGRAM, decisionContext('2026-12-03T09:00:01.000Z')));
    expect(earnedOf(first)).toEqual([
      expect.objectContaining({ points: 20, source: { kind: 'ACTIVITY', sourceId: 'a-1', lines: [] } }),
      expect.objectContaining({ points: 200, currency: 'temporary', source: { kind: 'REENGAGEMENT', sourceId: 'offer-1', lines: [] } }),
    ]);
    const used: MemberState = fold(state, { kind: 'accepted', events: first });
    const second = eventsOf(decideRecordActivity(usage('a-2', '2026-12-04T09:00:00Z'), used, DEFAULT_PROGRAM, decisionContext('2026-12-04T09:00:01.000Z')));
    expect(earnedOf(second).map((e) => e.source.kind)).toEqual(['ACTIVITY']);
  });

  it('given the offer granted, when the activity happens after the window, then no bonus', () => {
    const state = fold(INITIAL_MEMBER_STATE, decideGrantOffer(grant(), INITIAL_MEMBER_STATE, context));
    const late = eventsOf(decideRecordActivity(usage('a-1', '2026-12-16T09:00:00Z'), state, DEFAULT_PROGRAM, decisionContext('2026-12-16T09:00:01.000Z')));
    expect(earnedOf(late).map((e) => e.source.kind)).toEqual(['ACTIVITY']);
  });

  it('given the member already has the offer (used or not), when it is granted again, then nothing happens', () => {
    const state = fold(INITIAL_MEMBER_STATE, decideGrantOffer(grant(), INITIAL_MEMBER_STATE, context));

    expect(decideGrantOffer(grant('offer-cmd-2'), state, context)).toEqual({ kind: 'no-op', reason: 'member m-1 already has offer offer-1' });
    const used = { ...state, offers: { 'offer-1': { ...state.offers['offer-1']!, used: true } } };
    expect(decideGrantOffer(grant('offer-cmd-2'), used, context)).toMatchObject({ kind: 'no-op' });
  });
});
