import { LEDGER_EVENT_TYPES } from '../events/generated/ledger-event.types';
import { type LedgerEvent, type LedgerEventOf } from '../events/ledger-event';
import { activated, cancelled, customTierAssigned, customTierRevoked, debited, earned, expired, meta, reversed, spent, tierChanged } from '../rules/test/rules-fixtures';
import { CONNECTOR_EVENT_TYPES, type ConnectorEvent } from './connector-event';
import { EMPTY_SNAPSHOT, type MemberSnapshot, evolveSnapshot } from './member-snapshot';
import { type TierNames, toConnectorEvent } from './to-connector-event';

const TIER_NAMES: Readonly<Record<string, string>> = { bronze: 'Bronze', silver: 'Silver', gold: 'Gold' };
const names: TierNames = (id) => TIER_NAMES[id] ?? `unknown ${id}`;

const contact = { email: 'ana@example.com', phone: '+4915112345678', loyaltyCardNumber: 'CARD-0042' };
const enrolment: LedgerEventOf<'MemberEnrolled'> = { type: 'MemberEnrolled', data: { enrolledAt: '2026-10-01T10:00:00.000Z', ...contact }, metadata: meta('enrol') };

/** The member after `history` and then `event`, and the public event for it. */
function publish(event: LedgerEvent, history: readonly LedgerEvent[] = [], tierNames: TierNames = names): ConnectorEvent | null {
  const after = [...history, event].reduce(evolveSnapshot, EMPTY_SNAPSHOT);
  return toConnectorEvent(event, after, tierNames);
}

function published(event: LedgerEvent, history: readonly LedgerEvent[] = [], tierNames: TierNames = names): ConnectorEvent {
  const result = publish(event, history, tierNames);
  if (result === null) throw new Error(`${event.type} was not published`);
  return result;
}

const downgradeRisk = (o: Partial<LedgerEventOf<'TierDowngradeRisk'>['data']> = {}): LedgerEventOf<'TierDowngradeRisk'> => ({
  type: 'TierDowngradeRisk',
  data: { reason: 'POINTS_EXPIRING', tier: 'gold', downgradeTo: 'silver', pointsNeeded: 120, qualifyingPoints: 980, expiringPoints: 300, deadline: '2027-01-31T23:00:00.000Z', cause: null, ...o },
  metadata: meta('risk-1'),
});

/** One event of every ledger type, on a member whose snapshot has contact points. */
const everyType: readonly LedgerEvent[] = [
  enrolment,
  { type: 'MemberProfileUpdated', data: { changed: ['email'], email: 'new@example.com', phone: null, loyaltyCardNumber: null }, metadata: meta('profile') },
  customTierAssigned('vip'),
  customTierRevoked('vip'),
  { type: 'PurchaseRecorded', data: { transactionId: 'tx-1', channel: 'web', moneyCurrency: 'EUR', totalMinor: 1_000, lines: [] }, metadata: meta('buy') },
  { type: 'ReturnRecorded', data: { returnId: 'ret-1', transactionId: 'tx-1', lines: [] }, metadata: meta('return') },
  { type: 'ActivityRecorded', data: { activityId: 'a-1', activityType: 'review-written', periodKey: '2026-11', limited: false }, metadata: meta('activity') },
  earned('b1', 300, { expiresAt: '2027-11-22T10:00:00.000Z' }),
  spent('r1', [['b1', 100]]),
  cancelled('r1', [['b1', 100]]),
  reversed('ret-1', [['b1', 10]]),
  debited('adj-1', [['b1', 5]]),
  { type: 'ReengagementOfferGranted', data: { offerId: 'o-1', activityType: 'review-written', bonusPoints: 200, validFrom: '2026-11-22T00:00:00.000Z', validUntil: '2026-12-06T00:00:00.000Z' }, metadata: meta('offer') },
  activated('b1', 285),
  expired('b1', 285, '2027-11-22T10:00:00.000Z'),
  tierChanged(null, 'gold', 'UP', 'EARNED'),
  { type: 'PointsExpiringSoon', data: { bucketId: 'b1', currency: 'temporary', points: 285, expiresAt: '2027-11-22T10:00:00.000Z' }, metadata: meta('soon') },
  downgradeRisk(),
];

describe('toConnectorEvent', () => {
  it('given the fixture of every ledger type, then each type is covered once', () => {
    expect(everyType.map((e) => e.type).sort()).toEqual([...LEDGER_EVENT_TYPES].sort());
  });

  describe('tier_changed', () => {
    it('given an upgrade, then the public event names the new and previous tiers, the direction and the reason in lower case', () => {
      const event = published(tierChanged('silver', 'gold', 'UP', 'EARNED'));

      expect(event).toMatchObject({
        type: 'tier_changed',
        tier: { id: 'gold', name: 'Gold' },
        previousTier: { id: 'silver', name: 'Silver' },
        direction: 'up',
        reason: 'earned',
        points: null,
        currency: null,
      });
    });

    it('given a downgrade after a program change, then the direction is down and the reason config_change', () => {
      expect(published(tierChanged('gold', 'silver', 'DOWN', 'CONFIG_CHANGE'))).toMatchObject({ tier: { id: 'silver' }, previousTier: { id: 'gold' }, direction: 'down', reason: 'config_change' });
    });

    it('given the first tier on enrolment, then there is no previous tier', () => {
      expect(published(tierChanged(null, 'bronze', 'UP', 'ENROLLED'))).toMatchObject({ tier: { id: 'bronze', name: 'Bronze' }, previousTier: null, direction: 'up', reason: 'enrolled' });
    });

    it('given a tier-name function, then the names come from it (the program version in force), ids as they are', () => {
      const event = published(tierChanged('silver', 'gold', 'UP', 'EARNED'), [], (id) => `${id.toUpperCase()} (2026)`);

      expect(event.tier).toEqual({ id: 'gold', name: 'GOLD (2026)' });
      expect(event.previousTier).toEqual({ id: 'silver', name: 'SILVER (2026)' });
    });
  });

  describe('tier_downgrade_risk', () => {
    it('given points expiring would take the member below their tier, then the tier at risk, the tier to fall to, the points and the deadline', () => {
      const event = published(downgradeRisk(), [tierChanged(null, 'gold', 'UP', 'EARNED')]);

      expect(event).toMatchObject({
        type: 'tier_downgrade_risk',
        tier: { id: 'gold', name: 'Gold' },
        previousTier: { id: 'silver', name: 'Silver' },
        reason: 'points_expiring',
        points: 300,
        pointsNeeded: 120,
        deadline: '2027-01-31T23:00:00.000Z',
        direction: null,
        expiresAt: null,
      });
    });

    it('given a grace period, then the reason is grace_period', () => {
      expect(published(downgradeRisk({ reason: 'GRACE_PERIOD', expiringPoints: 0, cause: 'EXPIRED' }))).toMatchObject({ reason: 'grace_period', points: 0 });
    });
  });

  describe('point movements', () => {
    it('given an earning, then its points, currency and expiry', () => {
      const event = published(earned('t1', 75, { currency: 'temporary', expiresAt: '2027-02-20T10:00:00.000Z' }));

      expect(event).toMatchObject({ type: 'points_earned', points: 75, currency: 'temporary', expiresAt: '2027-02-20T10:00:00.000Z', tier: null, previousTier: null, direction: null, reason: null, deadline: null, pointsNeeded: null });
    });

    it('given an earning of points that never expire, then expiresAt is null', () => {
      expect(published(earned('p1', 75))).toMatchObject({ type: 'points_earned', currency: 'permanent', expiresAt: null });
    });

    it.each([
      ['points_spent', spent('r1', [['b1', 40]]), 40],
      ['redemption_cancelled', cancelled('r1', [['b1', 40]]), 40],
      ['points_returned', reversed('ret-1', [['b1', 10]], { debt: 5 }), 15],
    ] as const)('given a movement across buckets, then %s with its total and no single currency', (type, event, points) => {
      expect(published(event, [earned('b1', 100)])).toMatchObject({ type, points, currency: null });
    });

    it("given an operator's debit, then points_adjusted with the operator's reason as written", () => {
      const event: LedgerEvent = { type: 'PointsAdjusted', data: { adjustmentId: 'adj-1', points: 30, reason: 'Goodwill REVERSAL #12', actor: 'ops', buckets: [{ bucketId: 'b1', points: 30 }] }, metadata: meta('adj') };

      expect(published(event, [earned('b1', 100)])).toMatchObject({ type: 'points_adjusted', points: 30, reason: 'Goodwill REVERSAL #12' });
    });

    it('given an activation, then points_activated with its points and currency', () => {
      expect(published(activated('b1', 60, undefined, 'permanent'), [earned('b1', 60, { pending: true })])).toMatchObject({ type: 'points_activated', points: 60, currency: 'permanent' });
    });

    it('given an expiry, then points_expired with its points, currency and expiry date', () => {
      const event = published(expired('t1', 20, '2027-02-20T10:00:00.000Z', '2027-02-20T23:00:00.000Z'), [earned('t1', 20, { expiresAt: '2027-02-20T10:00:00.000Z' })]);

      expect(event).toMatchObject({ type: 'points_expired', points: 20, currency: 'temporary', expiresAt: '2027-02-20T10:00:00.000Z' });
    });

    it('given a warning, then points_expiring_soon with its points, currency and expiry date', () => {
      const warning: LedgerEvent = { type: 'PointsExpiringSoon', data: { bucketId: 't1', currency: 'temporary', points: 20, expiresAt: '2027-02-20T10:00:00.000Z' }, metadata: meta('soon') };

      expect(published(warning)).toMatchObject({ type: 'points_expiring_soon', points: 20, currency: 'temporary', expiresAt: '2027-02-20T10:00:00.000Z' });
    });

    it('given a re-engagement offer, then its bonus points and its end as the deadline', () => {
      const offer: LedgerEvent = { type: 'ReengagementOfferGranted', data: { offerId: 'o-1', activityType: 'review', bonusPoints: 200, validFrom: '2026-11-22T00:00:00.000Z', validUntil: '2026-12-06T00:00:00.000Z' }, metadata: meta('offer') };

      expect(published(offer)).toMatchObject({ type: 'reengagement_offer_granted', points: 200, deadline: '2026-12-06T00:00:00.000Z' });
    });
  });

  it('given custom tiers assigned and revoked, then the public event names the tier and the member holds the rest', () => {
    expect(published(customTierAssigned('vip'), [customTierAssigned('employee')])).toMatchObject({ type: 'custom_tier_assigned', reason: 'vip', customTiers: ['employee', 'vip'] });
    expect(published(customTierRevoked('vip'), [customTierAssigned('employee'), customTierAssigned('vip')])).toMatchObject({ type: 'custom_tier_revoked', reason: 'vip', customTiers: ['employee'] });
  });

  it('given an enrolment, then member_enrolled', () => {
    expect(published(enrolment)).toMatchObject({ type: 'member_enrolled', points: null });
  });

  it.each(['PurchaseRecorded', 'ReturnRecorded', 'ActivityRecorded', 'MemberProfileUpdated'] as const)('given a %s, then nothing is published (it stays internal)', (type) => {
    const event = everyType.find((e) => e.type === type)!;

    expect(publish(event, [enrolment])).toBeNull();
  });

  it('given one event of every ledger type, then every public type is published once', () => {
    const types = everyType.map((event, i) => publish(event, everyType.slice(0, i))?.type).filter((t) => t !== undefined);

    expect(types.sort()).toEqual([...CONNECTOR_EVENT_TYPES].sort());
  });

  describe("the member's standing after the event", () => {
    it("given the metadata, then the envelope carries the ledger event's ids and times", () => {
      const event = earned('b1', 10);
      const withVersion: LedgerEvent = { ...event, metadata: { ...event.metadata, occurredAt: '2026-11-22T10:00:00.000Z', recordedAt: '2026-11-22T10:00:02.000Z', programVersion: 'default-2026-11-01' } };

      expect(published(withVersion)).toMatchObject({
        eventId: 'earn-b1',
        tenantId: 'acme',
        memberId: 'm-1',
        occurredAt: '2026-11-22T10:00:00.000Z',
        recordedAt: '2026-11-22T10:00:02.000Z',
        programVersion: 'default-2026-11-01',
      });
    });

    it('given buckets in several currencies, then balances after the event, sorted by currency, and the qualifying points', () => {
      const history = [earned('t1', 50, { currency: 'temporary' }), earned('p1', 200), earned('a1', 9, { currency: 'air-miles', pending: true })];
      const event = published(spent('r1', [['p1', 40]]), history);

      expect(event.balances).toEqual([
        { currency: 'air-miles', active: 0, pending: 9 },
        { currency: 'permanent', active: 160, pending: 0 },
        { currency: 'temporary', active: 50, pending: 0 },
      ]);
      expect(event.qualifyingPoints).toBe(250);
    });

    it('given a member holding a tier, then a point event carries the tier held, with its name', () => {
      const event = published(earned('b2', 10), [tierChanged(null, 'silver', 'UP', 'EARNED')]);

      expect(event.tier).toEqual({ id: 'silver', name: 'Silver' });
      expect(event.previousTier).toBeNull();
    });

    it('given the snapshot passed, then the standing is read from it, not folded again', () => {
      const after: MemberSnapshot = { ...EMPTY_SNAPSHOT, qualifyingPoints: 4_321, tier: 'gold', customTiers: ['vip'], buckets: { x: { currency: 'permanent', remaining: 7, pending: false, expired: false } } };
      const event = toConnectorEvent(spent('r1', [['x', 1]]), after, names);

      expect(event).toMatchObject({ qualifyingPoints: 4_321, tier: { id: 'gold', name: 'Gold' }, customTiers: ['vip'], balances: [{ currency: 'permanent', active: 7, pending: 0 }] });
    });
  });

  describe('personal data', () => {
    it('given a member with e-mail, phone and card number, then no published event of any type carries them anywhere', () => {
      let snapshot = EMPTY_SNAPSHOT;
      const json: string[] = [];
      for (const event of everyType) {
        snapshot = evolveSnapshot(snapshot, event);
        const result = toConnectorEvent(event, { ...snapshot, contact }, names);
        if (result !== null) json.push(JSON.stringify(result));
      }

      expect(json).toHaveLength(CONNECTOR_EVENT_TYPES.length);
      for (const text of json) {
        expect(text).not.toContain(contact.email);
        expect(text).not.toContain(contact.phone);
        expect(text).not.toContain(contact.loyaltyCardNumber);
        expect(text).not.toContain('new@example.com');
        expect(text).not.toMatch(/email|phone|loyaltyCard|contact/i);
      }
    });
  });
});
