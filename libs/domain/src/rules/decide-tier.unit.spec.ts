import { type LedgerEvent, SCHEMA_VERSION } from '../events/ledger-event';
import { decideConfigChange, decideGraceEnd, decideTier } from './decide-tier';
import { evolveRules } from './evolve-rules';
import {
  DAY,
  HISTORY,
  MEMBER,
  TENANT,
  activated,
  causedBy,
  context,
  customTierAssigned,
  debited,
  earned,
  enrolled,
  expired,
  given,
  holding,
  idFor,
  ofType,
  plusDays,
  program,
  programWith,
  reversed,
  spent,
} from './test/rules-fixtures';

const AT = '2026-11-22T10:15:00.000Z';
const SOON = plusDays(DAY, 3);
const tierData = (events: readonly LedgerEvent[]) => ofType(events, 'TierChanged').map((e) => e.data);

describe('decideTier', () => {
  it('given a member who just enrolled, when the tier is decided, then Bronze (UP, ENROLLED) with a full envelope', () => {
    const { events, view } = decideTier(given(enrolled()), null, AT, program, causedBy('enrol'));

    expect(events).toEqual([
      {
        type: 'TierChanged',
        data: { from: null, to: 'bronze', direction: 'UP', reason: 'ENROLLED', qualifyingPoints: 0, customTiers: [], changedAt: AT },
        metadata: {
          eventId: idFor(TENANT, MEMBER, 'TierChanged', '', 'bronze', AT),
          tenantId: TENANT,
          memberId: MEMBER,
          occurredAt: AT,
          recordedAt: context.recordedAt,
          correlationId: 'corr-enrol',
          causationId: 'enrol',
          schemaVersion: SCHEMA_VERSION,
          programVersion: program.version,
        },
      },
    ]);
    expect(view.member.tier).toBe('bronze');
  });

  it('given a new member whose first points already reach Silver, then Silver at once (EARNED), with their custom tiers', () => {
    const { events } = decideTier(given(enrolled(), customTierAssigned('vip'), earned('b1', 1200)), null, AT, program, context);

    expect(tierData(events)).toEqual([{ from: null, to: 'silver', direction: 'UP', reason: 'EARNED', qualifyingPoints: 1200, customTiers: ['vip'], changedAt: AT }]);
  });

  it('given Bronze and 999 qualifying points, then no change; at exactly 1,000, then UP to Silver (EARNED)', () => {
    expect(decideTier(given(holding('bronze'), earned('b1', 999)), null, AT, program, context).events).toEqual([]);

    const { events, view } = decideTier(given(holding('bronze'), earned('b1', 999), earned('b2', 1)), null, AT, program, context);
    expect(tierData(events)).toEqual([{ from: 'bronze', to: 'silver', direction: 'UP', reason: 'EARNED', qualifyingPoints: 1000, customTiers: [], changedAt: AT }]);
    expect(view.member.tier).toBe('silver');
  });

  it('given Silver and crossing 5,000, then UP to Gold; from Bronze straight past both thresholds, then one change to Gold', () => {
    expect(tierData(decideTier(given(holding('silver'), earned('b1', 5000)), null, AT, program, context).events)).toMatchObject([{ from: 'silver', to: 'gold', direction: 'UP', reason: 'EARNED' }]);
    expect(tierData(decideTier(given(holding('bronze'), earned('b1', 7000)), null, AT, program, context).events)).toMatchObject([{ from: 'bronze', to: 'gold', direction: 'UP', reason: 'EARNED' }]);
  });

  it('given pending points past the threshold, then no upgrade until they are activated', () => {
    const pending = [holding('bronze'), earned('p1', 1500, { pending: true, activeFrom: DAY })];

    expect(decideTier(given(...pending), null, AT, program, context).events).toEqual([]);
    expect(tierData(decideTier(given(...pending, activated('p1', 1500, DAY)), null, DAY, program, context).events)).toMatchObject([{ to: 'silver', direction: 'UP' }]);
  });

  it('given Gold and spending everything, then no downgrade (spending is no drop)', () => {
    const view = given(holding('gold'), earned('b1', 5000), spent('r1', [['b1', 5000]]));

    expect(decideTier(view, null, AT, program, context).events).toEqual([]);
  });

  it('given Gold with points below its threshold but no drop in the batch, then no downgrade', () => {
    const raised = programWith({ tiers: { levels: [{ id: 'bronze', name: 'Bronze', threshold: 0 }, { id: 'silver', name: 'Silver', threshold: 1000 }, { id: 'gold', name: 'Gold', threshold: 6000 }] } });

    expect(decideTier(given(holding('gold'), earned('b1', 5500)), null, AT, raised, context).events).toEqual([]);
  });

  it('given Gold and an expiry that leaves Silver points, then DOWN to Silver (EXPIRED)', () => {
    const view = given(holding('gold'), earned('b1', 4500), earned('t1', 600, { expiresAt: SOON }), expired('t1', 600, SOON));

    const { events, view: after } = decideTier(view, 'EXPIRED', DAY, program, context);

    expect(tierData(events)).toEqual([{ from: 'gold', to: 'silver', direction: 'DOWN', reason: 'EXPIRED', qualifyingPoints: 4500, customTiers: [], changedAt: DAY }]);
    expect(after.member.tier).toBe('silver');
    expect(after.member.offerDueFor).toBe(events[0]?.metadata.eventId);
  });

  it('given Gold and a return that leaves Bronze points, then DOWN to Bronze under to-supported and to Silver under one-tier (REVERSED)', () => {
    const view = given(holding('gold'), earned('b1', 5000), reversed('ret1', [['b1', 4200]]));

    expect(tierData(decideTier(view, 'REVERSED', AT, program, context).events)).toMatchObject([{ from: 'gold', to: 'bronze', direction: 'DOWN', reason: 'REVERSED', qualifyingPoints: 800 }]);
    expect(tierData(decideTier(view, 'REVERSED', AT, programWith({ tiers: { downgrade: 'one-tier' } }), context).events)).toMatchObject([
      { from: 'gold', to: 'silver', direction: 'DOWN', reason: 'REVERSED' },
    ]);
  });

  it('given Silver and an operator debit below 1,000, then DOWN to Bronze (MANUAL), and no offer is owed', () => {
    const { events, view } = decideTier(given(holding('silver'), earned('b1', 1000), debited('adj1', [['b1', 1]])), 'MANUAL', AT, program, context);

    expect(tierData(events)).toMatchObject([{ from: 'silver', to: 'bronze', direction: 'DOWN', reason: 'MANUAL', qualifyingPoints: 999 }]);
    expect(view.member.offerDueFor).toBeNull();
  });

  it('given a drop that still leaves the threshold, then no change', () => {
    expect(decideTier(given(holding('gold'), earned('b1', 5200), reversed('ret1', [['b1', 200]])), 'REVERSED', AT, program, context).events).toEqual([]);
  });

  describe('with a grace period', () => {
    const graceful = programWith({ tiers: { graceDays: 30 } });
    const dropped = given(holding('gold'), earned('b1', 5000), reversed('ret1', [['b1', 700]]));

    it('given a drop below the threshold, then the grace is announced (TierDowngradeRisk GRACE_PERIOD, deadline = at + graceDays) and the tier kept', () => {
      const deadline = plusDays(AT, 30);
      const { events, view } = decideTier(dropped, 'REVERSED', AT, graceful, context);

      expect(events.map((e) => [e.type, e.metadata.eventId, e.data])).toEqual([
        [
          'TierDowngradeRisk',
          idFor(TENANT, MEMBER, 'TierDowngradeRisk', 'GRACE_PERIOD', 'gold', deadline),
          { reason: 'GRACE_PERIOD', tier: 'gold', downgradeTo: 'silver', pointsNeeded: 700, qualifyingPoints: 4300, expiringPoints: 0, deadline, cause: 'REVERSED' },
        ],
      ]);
      expect(view.member.tier).toBe('gold');
      expect(view.member.grace).toEqual({ tier: 'gold', threshold: 5000, until: deadline, cause: 'REVERSED' });
    });

    it('given the grace already announced, when points drop again, then it is not announced twice', () => {
      const { view } = decideTier(dropped, 'REVERSED', AT, graceful, context);
      const again = given(holding('gold'), earned('b1', 5000), reversed('ret1', [['b1', 700]]));

      expect(decideTier(view, 'REVERSED', plusDays(AT, 1), graceful, context).events).toEqual([]);
      expect(decideTier(again, 'REVERSED', AT, graceful, context).events).toHaveLength(1);
    });

    it('given the grace and one-tier policy with Bronze points, then the announced downgrade is one tier', () => {
      const far = given(holding('gold'), earned('b1', 5000), reversed('ret1', [['b1', 4500]]));

      expect(decideTier(far, 'REVERSED', AT, programWith({ tiers: { graceDays: 30, downgrade: 'one-tier' } }), context).events[0]?.data).toMatchObject({ downgradeTo: 'silver', pointsNeeded: 4500 });
      expect(decideTier(far, 'REVERSED', AT, graceful, context).events[0]?.data).toMatchObject({ downgradeTo: 'bronze' });
    });
  });

  it('given the same view, drop and time, when decided twice, then the same events with the same ids; at another time, other ids', () => {
    const view = given(holding('gold'), earned('b1', 4500), earned('t1', 600, { expiresAt: SOON }), expired('t1', 600, SOON));

    const first = decideTier(view, 'EXPIRED', DAY, program, context);
    expect(decideTier(view, 'EXPIRED', DAY, program, context)).toEqual(first);
    expect(decideTier(view, 'EXPIRED', plusDays(DAY, 1), program, context).events[0]?.metadata.eventId).not.toBe(first.events[0]?.metadata.eventId);
  });
});

describe('decideGraceEnd', () => {
  const graceful = programWith({ tiers: { graceDays: 30 } });
  const inGrace = () => decideTier(given(holding('gold'), earned('b1', 4500), earned('t1', 600, { expiresAt: SOON }), expired('t1', 600, SOON)), 'EXPIRED', DAY, graceful, context).view;
  const until = plusDays(DAY, 30);

  it('given a grace period that has not ended, then nothing', () => {
    expect(decideGraceEnd(inGrace(), plusDays(DAY, 29), graceful, context).events).toEqual([]);
  });

  it('given a grace period ending at the day boundary without earning back, then DOWN by the policy, with the drop that caused it', () => {
    const { events, view } = decideGraceEnd(inGrace(), until, graceful, context);

    expect(tierData(events)).toEqual([{ from: 'gold', to: 'silver', direction: 'DOWN', reason: 'EXPIRED', qualifyingPoints: 4500, customTiers: [], changedAt: until }]);
    expect(view.member.grace).toBeNull();
    expect(view.member.offerDueFor).toBe(events[0]?.metadata.eventId);
  });

  it('given a grace period that ended days ago, then the downgrade happens at the first boundary that sees it', () => {
    expect(tierData(decideGraceEnd(inGrace(), plusDays(until, 2), graceful, context).events)).toMatchObject([{ to: 'silver', changedAt: plusDays(until, 2) }]);
  });

  it('given the member earned back during the grace, then no downgrade when it would have ended', () => {
    const almost = evolveRules(inGrace(), earned('b2', 499));
    const back = evolveRules(inGrace(), earned('b2', 500));

    expect(tierData(decideGraceEnd(almost, until, graceful, context).events)).toMatchObject([{ to: 'silver' }]);
    expect(decideGraceEnd(back, until, graceful, context).events).toEqual([]);
    expect(back.member.tier).toBe('gold');
  });

  it('given no grace period, then nothing', () => {
    expect(decideGraceEnd(given(holding('gold'), earned('b1', 100)), until, graceful, context).events).toEqual([]);
  });
});

describe('decideConfigChange', () => {
  const ladder = (silver: number, gold: number) => [
    { id: 'bronze', name: 'Bronze', threshold: 0 },
    { id: 'silver', name: 'Silver', threshold: silver },
    { id: 'gold', name: 'Gold', threshold: gold },
  ];
  const raised = (o: { graceDays?: number; downgrade?: 'to-supported' | 'one-tier' } = {}) => programWith({ version: 'v2', tiers: { levels: ladder(3000, 8000), ...o } });
  const gold5500 = given(holding('gold'), earned('b1', 2500));
  const at = DAY;

  it('given thresholds raised above the member, then DOWN to what the points support at the effective time (CONFIG_CHANGE)', () => {
    const { events } = decideConfigChange(gold5500, at, raised(), context);

    expect(tierData(events)).toEqual([{ from: 'gold', to: 'bronze', direction: 'DOWN', reason: 'CONFIG_CHANGE', qualifyingPoints: 2500, customTiers: [], changedAt: at }]);
    expect(events[0]?.metadata.programVersion).toBe('v2');
  });

  it('given thresholds raised and the one-tier policy, then one tier down', () => {
    expect(tierData(decideConfigChange(gold5500, at, raised({ downgrade: 'one-tier' }), context).events)).toMatchObject([{ from: 'gold', to: 'silver', reason: 'CONFIG_CHANGE' }]);
  });

  it('given thresholds raised and a grace period, then the grace is announced from the effective time, and the downgrade comes when it ends', () => {
    const program = raised({ graceDays: 10 });
    const deadline = plusDays(at, 10);
    const { events, view } = decideConfigChange(gold5500, at, program, context);

    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['TierDowngradeRisk', { reason: 'GRACE_PERIOD', tier: 'gold', downgradeTo: 'bronze', pointsNeeded: 5500, qualifyingPoints: 2500, expiringPoints: 0, deadline, cause: 'CONFIG_CHANGE' }],
    ]);
    expect(decideConfigChange(view, at, program, context).events).toEqual([]);
    expect(decideGraceEnd(view, plusDays(deadline, -1), program, context).events).toEqual([]);
    expect(tierData(decideGraceEnd(view, deadline, program, context).events)).toMatchObject([{ from: 'gold', to: 'bronze', direction: 'DOWN', reason: 'CONFIG_CHANGE', changedAt: deadline }]);
  });

  it('given an old expiry and then raised thresholds with a grace period, then the downgrade at its end blames the new thresholds, and no offer is owed', () => {
    const program = raised({ graceDays: 10 });
    const member = given(holding('gold'), earned('b1', 2500), earned('t1', 100, { expiresAt: plusDays(HISTORY, 1) }), expired('t1', 100, plusDays(HISTORY, 1)));
    expect(member.member.lastDrop).toBe('EXPIRED');
    const { view } = decideConfigChange(member, at, program, context);

    const end = decideGraceEnd(view, plusDays(at, 10), program, context);
    expect(tierData(end.events)).toMatchObject([{ from: 'gold', to: 'bronze', reason: 'CONFIG_CHANGE' }]);
    expect(end.view.member.offerDueFor).toBeNull();
  });

  it('given thresholds lowered below the member, then UP at once, grace period or not (CONFIG_CHANGE)', () => {
    const lowered = programWith({ version: 'v2', tiers: { levels: ladder(500, 2000), graceDays: 30 } });

    expect(tierData(decideConfigChange(gold5500, at, lowered, context).events)).toEqual([]);
    expect(tierData(decideConfigChange(given(holding('bronze'), earned('b1', 2500)), at, lowered, context).events)).toEqual([
      { from: 'bronze', to: 'gold', direction: 'UP', reason: 'CONFIG_CHANGE', qualifyingPoints: 2500, customTiers: [], changedAt: at },
    ]);
  });

  it('given a member without a tier yet, then nothing (enrolment decides it)', () => {
    expect(decideConfigChange(given(enrolled(), earned('b1', 9000)), at, raised(), context).events).toEqual([]);
  });
});
