import { type RulesCommand } from './rules-command';
import { type LedgerEvent } from '../events/ledger-event';
import { decideDayEnd, decideDueMovements } from './decide-day';
import { decideTier } from './decide-tier';
import { evolveRules } from './evolve-rules';
import { type RulesView } from './rules-state';
import {
  DAY,
  MEMBER,
  TENANT,
  activated,
  causedBy,
  context,
  customTierAssigned,
  customTierRevoked,
  earned,
  expired,
  expiringSoon,
  given,
  holding,
  idFor,
  ofType,
  offerGranted,
  plusDays,
  plusMs,
  program,
  programWith,
  reversed,
  spent,
  tierChanged,
} from './test/rules-fixtures';

const unchanged = { programChanged: false };
const base = { tenantId: TENANT, memberId: MEMBER, programVersion: program.version, causationId: null };
const fold = (view: RulesView, events: readonly LedgerEvent[]) => events.reduce(evolveRules, view);

describe('decideDueMovements', () => {
  const view = given(
    holding('silver'),
    earned('p-late', 100, { pending: true, activeFrom: plusMs(DAY, 1) }),
    earned('p2', 200, { pending: true, activeFrom: DAY }),
    earned('p1', 300, { pending: true, activeFrom: plusDays(DAY, -3) }),
    earned('a-now', 40, { expiresAt: DAY }),
    earned('x-old', 50, { expiresAt: plusDays(DAY, -2) }),
    earned('t-later', 60, { expiresAt: plusMs(DAY, 1) }),
    earned('t-done', 70, { expiresAt: plusDays(DAY, -5) }),
    expired('t-done', 70, plusDays(DAY, -5)),
    earned('forever', 1000),
    spent('r1', [['x-old', 50]]),
  );

  it('given pending buckets whose return window is over and buckets whose expiry date has come, then activations (by bucket) and then expiries (soonest first), at the day start', () => {
    expect(decideDueMovements(view, DAY, program, context)).toEqual([
      { ...base, type: 'activate-points', commandId: `activate:p1@${DAY}`, bucketId: 'p1', activatedAt: DAY },
      { ...base, type: 'activate-points', commandId: `activate:p2@${DAY}`, bucketId: 'p2', activatedAt: DAY },
      { ...base, type: 'expire-points', commandId: `expire:x-old@${DAY}`, bucketId: 'x-old', expiredAt: DAY },
      { ...base, type: 'expire-points', commandId: `expire:a-now@${DAY}`, bucketId: 'a-now', expiredAt: DAY },
    ]);
  });

  it('given a fully spent bucket past its expiry, then it is still expired (with nothing left), so it is closed', () => {
    expect(view.buckets['x-old']?.remaining).toBe(0);
    expect(decideDueMovements(view, DAY, program, context).map((c) => c.commandId)).toContain(`expire:x-old@${DAY}`);
  });

  it("given a VIP and vipTemporaryPointsNeverExpire, then their temporary buckets do not expire but pending points still activate", () => {
    const vip = evolveRules(view, customTierAssigned('vip'));

    expect(decideDueMovements(vip, DAY, program, context).map((c) => c.commandId)).toEqual([`activate:p1@${DAY}`, `activate:p2@${DAY}`]);
    expect(decideDueMovements(vip, DAY, programWith({ vipHold: false }), context).map((c) => c.commandId)).toEqual([`activate:p1@${DAY}`, `activate:p2@${DAY}`, `expire:x-old@${DAY}`, `expire:a-now@${DAY}`]);
    expect(decideDueMovements(evolveRules(vip, customTierRevoked('vip')), DAY, program, context).map((c) => c.commandId)).toEqual([`activate:p1@${DAY}`, `activate:p2@${DAY}`, `expire:x-old@${DAY}`, `expire:a-now@${DAY}`]);
  });

  it('given the same view and day, when decided again (a re-run, another instance, another clock), then the same commands and ids', () => {
    const first = decideDueMovements(view, DAY, program, context);

    expect(decideDueMovements(view, DAY, program, { ...context, recordedAt: '2031-05-05T05:05:05.000Z' })).toEqual(first);
  });

  it('given a cause, then the commands name it', () => {
    expect(decideDueMovements(view, DAY, program, causedBy('tick-1')).every((c) => c.causationId === 'tick-1')).toBe(true);
  });

  it('given the activations and expiries folded back, then nothing more is due', () => {
    const after = fold(view, [
      activated('p1', 300, DAY),
      activated('p2', 200, DAY),
      expired('x-old', 0, plusDays(DAY, -2), DAY),
      expired('a-now', 40, DAY, DAY),
    ]);

    expect(decideDueMovements(after, DAY, program, context)).toEqual([]);
  });
});

describe('decideDayEnd: expiry warnings', () => {
  const window = programWith({ expiryWarningDays: 7 });

  it('given buckets around the warning window, then warned are those expiring after the day start and at most expiryWarningDays later', () => {
    const view = given(
      holding('bronze'),
      earned('due-now', 10, { expiresAt: DAY }),
      earned('in-1', 20, { expiresAt: plusMs(DAY, 1) }),
      earned('in-7', 30, { expiresAt: plusDays(DAY, 7) }),
      earned('out-7', 40, { expiresAt: plusMs(plusDays(DAY, 7), 1) }),
    );

    const { events, commands } = decideDayEnd(view, DAY, window, context, unchanged);

    expect(events.map((e) => [e.type, e.metadata.eventId, e.metadata.occurredAt, e.data])).toEqual([
      ['PointsExpiringSoon', idFor(TENANT, 'PointsExpiringSoon', 'in-1'), DAY, { bucketId: 'in-1', currency: 'temporary', points: 20, expiresAt: plusMs(DAY, 1) }],
      ['PointsExpiringSoon', idFor(TENANT, 'PointsExpiringSoon', 'in-7'), DAY, { bucketId: 'in-7', currency: 'temporary', points: 30, expiresAt: plusDays(DAY, 7) }],
    ]);
    expect(commands).toEqual([]);
  });

  it('given partly spent buckets, then the warning says what is left; fully spent, pending and VIP-held buckets are not warned about', () => {
    const soon = plusDays(DAY, 2);
    const view = given(
      holding('bronze'),
      earned('partly', 100, { expiresAt: soon }),
      earned('spent', 50, { expiresAt: soon }),
      earned('pending', 60, { expiresAt: soon, pending: true, activeFrom: plusDays(DAY, 1) }),
      spent('r1', [['partly', 30], ['spent', 50]]),
    );

    expect(ofType(decideDayEnd(view, DAY, window, context, unchanged).events, 'PointsExpiringSoon').map((e) => [e.data.bucketId, e.data.points])).toEqual([['partly', 70]]);
    expect(decideDayEnd(evolveRules(view, customTierAssigned('vip')), DAY, window, context, unchanged).events).toEqual([]);
    expect(decideDayEnd(evolveRules(view, customTierAssigned('vip')), DAY, programWith({ vipHold: false }), context, unchanged).events).toHaveLength(1);
  });

  it('given a bucket already warned about, then it is not warned about again, on the next days or from the log', () => {
    const soon = plusDays(DAY, 5);
    const view = given(holding('bronze'), earned('t1', 100, { expiresAt: soon }));
    const first = decideDayEnd(view, DAY, window, context, unchanged);

    expect(first.events).toHaveLength(1);
    expect(decideDayEnd(first.view, plusDays(DAY, 1), window, context, unchanged).events).toEqual([]);
    expect(decideDayEnd(fold(view, first.events), plusDays(DAY, 1), window, context, unchanged).events).toEqual([]);
    expect(decideDayEnd(evolveRules(view, expiringSoon('t1', 100, soon)), DAY, window, context, unchanged).events).toEqual([]);
  });
});

describe('decideDayEnd: downgrade risk', () => {
  const first = plusDays(DAY, 2);
  const second = plusDays(DAY, 5);
  // Gold at 5,500: the first expiry leaves 5,200 (still Gold), the second 4,500 (below it).
  const gold = [holding('gold'), earned('b1', 4500), earned('t-a', 300, { expiresAt: first }), earned('t-b', 700, { expiresAt: second })];
  const risks = (events: readonly LedgerEvent[]) => ofType(events, 'TierDowngradeRisk');

  it('given expiries within the window that would take the member below their tier, then the risk names the tier, target, points needed, points expiring and the first expiry that drops it', () => {
    const { events } = decideDayEnd(given(...gold), DAY, program, context, unchanged);

    expect(events.map((e) => e.type)).toEqual(['PointsExpiringSoon', 'PointsExpiringSoon', 'TierDowngradeRisk']);
    expect(risks(events).map((e) => [e.metadata.eventId, e.metadata.occurredAt, e.data])).toEqual([
      [
        idFor(TENANT, MEMBER, 'TierDowngradeRisk', 'POINTS_EXPIRING', 'gold', second),
        DAY,
        { reason: 'POINTS_EXPIRING', tier: 'gold', downgradeTo: 'silver', pointsNeeded: 500, qualifyingPoints: 5500, expiringPoints: 1000, deadline: second, cause: null },
      ],
    ]);
  });

  it('given the expiries would leave Bronze points, then the target follows the policy', () => {
    const deep = [holding('gold'), earned('b1', 600), earned('t-a', 4500, { expiresAt: first })];

    expect(risks(decideDayEnd(given(...deep), DAY, program, context, unchanged).events).map((e) => e.data)).toMatchObject([{ downgradeTo: 'bronze', pointsNeeded: 4400, expiringPoints: 4500 }]);
    expect(risks(decideDayEnd(given(...deep), DAY, programWith({ tiers: { downgrade: 'one-tier' } }), context, unchanged).events).map((e) => e.data)).toMatchObject([{ downgradeTo: 'silver' }]);
  });

  it('given several buckets expiring at the same moment, then all of them count by that deadline', () => {
    const together = [holding('gold'), earned('b1', 4850), earned('t-a', 100, { expiresAt: first }), earned('t-b', 100, { expiresAt: first })];

    expect(risks(decideDayEnd(given(...together), DAY, program, context, unchanged).events).map((e) => e.data)).toEqual([
      { reason: 'POINTS_EXPIRING', tier: 'gold', downgradeTo: 'silver', pointsNeeded: 150, qualifyingPoints: 5050, expiringPoints: 200, deadline: first, cause: null },
    ]);
  });

  it('given the risk was announced, then not again for the same tier and deadline; a new deadline is announced', () => {
    const day1 = decideDayEnd(given(...gold), DAY, program, context, unchanged);

    expect(risks(decideDayEnd(day1.view, plusDays(DAY, 1), program, context, unchanged).events)).toEqual([]);
    expect(risks(decideDayEnd(fold(given(...gold), day1.events), plusDays(DAY, 1), program, context, unchanged).events)).toEqual([]);
    // A return now makes the first expiry enough to drop the member.
    const worse = evolveRules(day1.view, reversed('ret1', [['b1', 300]]));
    expect(risks(decideDayEnd(worse, plusDays(DAY, 1), program, context, unchanged).events).map((e) => e.data)).toMatchObject([{ deadline: first, pointsNeeded: 100, expiringPoints: 300 }]);
  });

  it('given expiries that leave the member at their threshold, or outside the window, then no risk', () => {
    expect(risks(decideDayEnd(given(holding('gold'), earned('b1', 5000), earned('t-a', 300, { expiresAt: first })), DAY, program, context, unchanged).events)).toEqual([]);
    expect(risks(decideDayEnd(given(holding('gold'), earned('b1', 4500), earned('t-a', 700, { expiresAt: plusDays(DAY, 8) })), DAY, program, context, unchanged).events)).toEqual([]);
  });

  it('given Bronze (nothing to lose), a VIP whose points are held, or a grace period for the tier, then no risk', () => {
    expect(risks(decideDayEnd(given(holding('bronze'), earned('t-a', 300, { expiresAt: first })), DAY, program, context, unchanged).events)).toEqual([]);
    expect(decideDayEnd(given(...gold, customTierAssigned('vip')), DAY, program, context, unchanged).events).toEqual([]);

    const graceful = programWith({ tiers: { graceDays: 30 } });
    const inGrace = decideTier(given(...gold, reversed('ret1', [['b1', 600]])), 'REVERSED', DAY, graceful, context).view;
    expect(inGrace.member.grace?.tier).toBe('gold');
    expect(risks(decideDayEnd(inGrace, plusDays(DAY, 1), graceful, context, unchanged).events)).toEqual([]);
  });
});

describe('decideDayEnd: order, grace end, program changes and re-engagement', () => {
  const graceful = programWith({ tiers: { graceDays: 30 } });
  const until = plusDays(DAY, 30);
  const lastBucket = plusDays(until, 3);
  // Gold until an expiry leaves 1,200 (Silver points): a 30-day grace, then a bucket of 300 expiring soon after.
  const history = [
    holding('gold'),
    earned('b1', 900),
    earned('t-old', 4300, { expiresAt: DAY }),
    earned('t-soon', 300, { expiresAt: lastBucket }),
    expired('t-old', 4300, DAY),
  ];
  const inGrace = decideTier(given(...history), 'EXPIRED', DAY, graceful, context).view;

  it('given a grace period ending and soon-expiring points, then the tier change, the warnings, the risk under the new tier, and the offer, in that order', () => {
    const { events, commands, view } = decideDayEnd(inGrace, until, graceful, context, unchanged);

    expect(events.map((e) => [e.type, e.metadata.occurredAt])).toEqual([
      ['TierChanged', until],
      ['PointsExpiringSoon', until],
      ['TierDowngradeRisk', until],
    ]);
    const [down, soon, risk] = events;
    expect(down?.data).toEqual({ from: 'gold', to: 'silver', direction: 'DOWN', reason: 'EXPIRED', qualifyingPoints: 1200, customTiers: [], changedAt: until });
    expect(soon?.data).toEqual({ bucketId: 't-soon', currency: 'temporary', points: 300, expiresAt: lastBucket });
    expect(risk?.data).toEqual({ reason: 'POINTS_EXPIRING', tier: 'silver', downgradeTo: 'bronze', pointsNeeded: 100, qualifyingPoints: 1200, expiringPoints: 300, deadline: lastBucket, cause: null });

    const tierChangeId = down!.metadata.eventId;
    const offerId = idFor(TENANT, MEMBER, 'offer', tierChangeId);
    expect(commands).toEqual([
      {
        type: 'grant-offer',
        commandId: `offer:${offerId}@${until}`,
        tenantId: TENANT,
        memberId: MEMBER,
        programVersion: graceful.version,
        causationId: tierChangeId,
        offerId,
        activityType: 'product-usage',
        bonusPoints: 200,
        validFrom: until,
        validUntil: plusDays(until, 14),
      },
    ]);
    expect(view.member).toMatchObject({ tier: 'silver', grace: null, offerDueFor: null });
  });

  it('given the offer was asked for, then not again: neither from the returned view nor once it is granted', () => {
    const day = decideDayEnd(inGrace, until, graceful, context, unchanged);
    const offerId = day.commands[0]?.type === 'grant-offer' ? day.commands[0].offerId : '';

    expect(decideDayEnd(day.view, plusDays(until, 1), graceful, context, unchanged).commands).toEqual([]);
    expect(decideDayEnd(fold(fold(inGrace, day.events), [offerGranted(offerId)]), plusDays(until, 1), graceful, context, unchanged).commands).toEqual([]);
  });

  it('given a rebuilt view whose granted event has not come back yet, then the same offer again (same offer id: ingestion grants it once)', () => {
    const day = decideDayEnd(inGrace, until, graceful, context, unchanged);
    const rebuilt = fold(inGrace, day.events);
    const offerIds = (commands: readonly RulesCommand[]) => commands.map((c) => (c.type === 'grant-offer' ? c.offerId : c.commandId));

    expect(offerIds(decideDayEnd(rebuilt, plusDays(until, 1), graceful, context, unchanged).commands)).toEqual(offerIds(day.commands));
  });

  it('given a downgrade for any reason but expiry, or an upgrade, then no offer', () => {
    for (const change of [tierChanged('gold', 'silver', 'DOWN', 'REVERSED', DAY), tierChanged('gold', 'silver', 'DOWN', 'CONFIG_CHANGE', DAY), tierChanged('silver', 'gold', 'UP', 'EARNED', DAY)]) {
      expect(decideDayEnd(given(holding('gold'), earned('b1', 1500), change), DAY, program, context, unchanged).commands).toEqual([]);
    }
    expect(decideDayEnd(given(holding('gold'), earned('b1', 1500), tierChanged('gold', 'silver', 'DOWN', 'EXPIRED', DAY)), DAY, program, context, unchanged).commands).toHaveLength(1);
  });

  it('given a grace period not over yet, then no tier change that day', () => {
    expect(ofType(decideDayEnd(inGrace, plusDays(until, -1), graceful, context, unchanged).events, 'TierChanged')).toEqual([]);
  });

  it('given a new program with raised thresholds, then the tier is re-evaluated only on the day it takes effect, at that day start', () => {
    const v1 = given(holding('gold'), earned('b1', 5500));
    const v2 = programWith({ version: 'v2', tiers: { levels: [{ id: 'bronze', name: 'Bronze', threshold: 0 }, { id: 'silver', name: 'Silver', threshold: 1000 }, { id: 'gold', name: 'Gold', threshold: 6000 }] } });
    const effectiveDay = plusDays(DAY, 1);

    expect(decideDayEnd(v1, DAY, program, context, unchanged).events).toEqual([]);
    const { events, commands } = decideDayEnd(v1, effectiveDay, v2, context, { programChanged: true });
    expect(events.map((e) => [e.type, e.data, e.metadata.programVersion])).toEqual([
      ['TierChanged', { from: 'gold', to: 'silver', direction: 'DOWN', reason: 'CONFIG_CHANGE', qualifyingPoints: 5500, customTiers: [], changedAt: effectiveDay }, 'v2'],
    ]);
    expect(commands).toEqual([]);
  });

  it('given the same view, day and program, when decided again, then the same events, ids and commands', () => {
    expect(decideDayEnd(inGrace, until, graceful, { ...context, recordedAt: '2031-05-05T05:05:05.000Z' }, unchanged).commands).toEqual(decideDayEnd(inGrace, until, graceful, context, unchanged).commands);
    expect(decideDayEnd(inGrace, until, graceful, context, unchanged)).toEqual(decideDayEnd(inGrace, until, graceful, context, unchanged));
  });
});
