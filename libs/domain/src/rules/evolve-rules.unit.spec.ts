import { type LedgerEvent } from '../events/ledger-event';
import { decideTier } from './decide-tier';
import { evolveRules, needsDeduplication } from './evolve-rules';
import { isTracked } from './rules-state';
import {
  DAY,
  context,
  HISTORY,
  activated,
  cancelled,
  customTierAssigned,
  customTierRevoked,
  debited,
  downgradeRisk,
  earned,
  enrolled,
  expired,
  expiringSoon,
  given,
  holding,
  offerGranted,
  plusDays,
  program,
  reversed,
  spent,
  tierChanged,
} from './test/rules-fixtures';

const SOON = plusDays(DAY, 3);
const graceFor = (tier: string, qualifyingPoints: number, pointsNeeded: number, deadline: string) =>
  downgradeRisk({ reason: 'GRACE_PERIOD', tier, downgradeTo: 'silver', pointsNeeded, qualifyingPoints, expiringPoints: 0, deadline, cause: 'EXPIRED' });

describe('evolveRules: qualifying points', () => {
  it('given active earnings, then they count', () => {
    expect(given(earned('b1', 300), earned('b2', 45, { expiresAt: SOON })).member.qualifying).toBe(345);
  });

  it('given pending points, then they do not count until PointsActivated, and then only what is left', () => {
    const pending = [earned('b1', 500, { pending: true, activeFrom: DAY }), reversed('ret1', [['b1', 200]])];

    expect(given(...pending).member.qualifying).toBe(0);
    expect(given(...pending, activated('b1', 300, DAY)).member.qualifying).toBe(300);
  });

  it('given spending and a cancelled redemption, then qualifying points do not move', () => {
    const view = given(earned('b1', 800), earned('b2', 200, { expiresAt: SOON }), spent('r1', [['b2', 200], ['b1', 500]]));

    expect(view.member.qualifying).toBe(1000);
    expect(evolveRules(view, cancelled('r1', [['b2', 200], ['b1', 500]])).member.qualifying).toBe(1000);
  });

  it('given an expiry, then what expired is subtracted and what was spent before still counts', () => {
    const view = given(earned('b1', 1000), earned('b2', 200, { expiresAt: SOON }), spent('r1', [['b2', 50]]), expired('b2', 150, SOON));

    expect(view.member.qualifying).toBe(1050);
    expect(view.member.lastDrop).toBe('EXPIRED');
  });

  it('given a return of active points, then everything reversed is subtracted, including spent points written off or owed', () => {
    const view = given(earned('b1', 1000), reversed('ret1', [['b1', 100]], { writtenOff: 30, debt: 20 }));

    expect(view.member.qualifying).toBe(850);
    expect(view.member.lastDrop).toBe('REVERSED');
  });

  it('given a return that cancels pending points, then qualifying points do not go down', () => {
    const view = given(earned('b1', 700), earned('b2', 400, { pending: true, activeFrom: DAY }), reversed('ret1', [['b2', 400]]));

    expect(view.member.qualifying).toBe(700);
    expect(view.member.lastDrop).toBeNull();
  });

  it('given one return taking from a pending and an active bucket, then only the active part is subtracted', () => {
    const view = given(earned('b1', 700), earned('b2', 400, { pending: true, activeFrom: DAY }), reversed('ret1', [['b1', 100], ['b2', 250]]));

    expect(view.member.qualifying).toBe(600);
  });

  it('given an operator debit, then it is subtracted with the MANUAL reason', () => {
    const view = given(earned('b1', 1000), debited('adj1', [['b1', 120]]));

    expect(view.member.qualifying).toBe(880);
    expect(view.member.lastDrop).toBe('MANUAL');
  });

  it('given an earning that repays debt, then all its points count though the bucket holds less', () => {
    const view = given(earned('b1', 300, { expiresAt: SOON, debtRecovered: 100 }));

    expect(view.member.qualifying).toBe(300);
    expect(view.buckets['b1']?.remaining).toBe(200);
  });
});

describe('evolveRules: tracked buckets', () => {
  it('given active points that never expire, then no bucket is tracked', () => {
    expect(given(earned('b1', 300)).buckets).toEqual({});
  });

  it('given pending or expiring points, then their buckets are tracked with what the rules need', () => {
    const view = given(earned('p1', 500, { pending: true, activeFrom: DAY }), earned('t1', 40, { expiresAt: SOON }));

    expect(view.buckets).toEqual({
      p1: { bucketId: 'p1', currency: 'permanent', remaining: 500, pending: true, activeFrom: DAY, expiresAt: null, expired: false, warned: false },
      t1: { bucketId: 't1', currency: 'temporary', remaining: 40, pending: false, activeFrom: HISTORY, expiresAt: SOON, expired: false, warned: false },
    });
    expect(Object.values(view.buckets).every(isTracked)).toBe(true);
  });

  it('given spends, cancellations, returns and debits naming tracked buckets, then their remaining amounts follow', () => {
    const view = given(
      earned('t1', 100, { expiresAt: SOON }),
      earned('t2', 100, { expiresAt: plusDays(SOON, 1) }),
      earned('b3', 100),
      spent('r1', [['t1', 60], ['b3', 10]]),
      spent('r2', [['t1', 40], ['t2', 10]]),
      cancelled('r1', [['t1', 60], ['b3', 10]]),
      reversed('ret1', [['t2', 20]]),
      debited('adj1', [['t2', 5]]),
    );

    expect(view.buckets['t1']?.remaining).toBe(60);
    expect(view.buckets['t2']?.remaining).toBe(65);
    expect(view.buckets['b3']).toBeUndefined();
  });

  it('given a pending bucket activated and an expiring bucket expired, then neither is tracked any more', () => {
    const view = given(earned('p1', 500, { pending: true, activeFrom: DAY }), earned('t1', 40, { expiresAt: SOON }), activated('p1', 500, DAY), expired('t1', 40, SOON));

    expect(view.buckets['p1']).toMatchObject({ pending: false });
    expect(view.buckets['t1']).toMatchObject({ expired: true, remaining: 0 });
    expect(Object.values(view.buckets).filter(isTracked)).toEqual([]);
  });

  it('given a warning for a bucket, then it is marked warned', () => {
    expect(given(earned('t1', 40, { expiresAt: SOON }), expiringSoon('t1', 40, SOON)).buckets['t1']?.warned).toBe(true);
  });
});

describe("evolveRules: the rules' own events fold idempotently", () => {
  const history = [
    enrolled(),
    holding('gold'),
    earned('b1', 4900),
    earned('p1', 300, { pending: true, activeFrom: DAY }),
    earned('t1', 200, { expiresAt: SOON }),
  ];
  const expiredDown = tierChanged('gold', 'silver', 'DOWN', 'EXPIRED', DAY, 4900);
  const own: readonly [string, LedgerEvent][] = [
    ['TierChanged', expiredDown],
    ['PointsExpiringSoon', expiringSoon('t1', 200, SOON)],
    ['TierDowngradeRisk', downgradeRisk({ reason: 'POINTS_EXPIRING', tier: 'gold', downgradeTo: 'silver', pointsNeeded: 100, qualifyingPoints: 5100, expiringPoints: 200, deadline: SOON, cause: null })],
    ['TierDowngradeRisk (grace)', graceFor('gold', 4900, 100, plusDays(DAY, 30))],
    ['PointsActivated', activated('p1', 300, DAY)],
    ['PointsExpired', expired('t1', 200, SOON)],
    ['PointsEarned of a tracked bucket', earned('t2', 200, { expiresAt: SOON })],
  ];

  it.each(own)('given %s folded twice, then the state is the same as folded once', (_, event) => {
    const once = given(...history, event);

    expect(evolveRules(once, event)).toEqual(once);
    expect(once).not.toEqual(given(...history));
  });

  it('given ReengagementOfferGranted folded twice, then the owed offer stays settled', () => {
    const once = given(...history, expiredDown, offerGranted('offer-1'));

    expect(evolveRules(once, offerGranted('offer-1'))).toEqual(once);
    expect(once.member.offerDueFor).toBeNull();
  });

  it('given every event type, then the ones that do not fold idempotently are the ones flagged for deduplication', () => {
    const samples: LedgerEvent[] = [
      ...own.map(([, e]) => e),
      offerGranted('offer-1'),
      earned('b9', 10),
      spent('r1', [['t1', 10]]),
      cancelled('r0', [['t1', 10]]),
      reversed('ret1', [['b1', 10]]),
      debited('adj1', [['b1', 10]]),
      customTierAssigned('vip'),
      customTierRevoked('vip'),
    ];
    for (const event of samples) {
      const once = given(...history, event);
      if (JSON.stringify(evolveRules(once, event)) !== JSON.stringify(once)) expect([event.type, needsDeduplication(event)]).toEqual([event.type, true]);
    }
    expect(samples.filter(needsDeduplication).map((e) => e.type)).toEqual(['PointsEarned', 'PointsEarned', 'PointsSpent', 'RedemptionCancelled', 'PointsReversed', 'PointsAdjusted']);
  });
});

describe('evolveRules: tier, grace, risk and offers', () => {
  it('given a TierChanged, then the member holds the tier from its time and any grace or announced risk is over', () => {
    const view = given(holding('gold'), earned('b1', 4800), graceFor('gold', 4800, 200, plusDays(DAY, 30)), tierChanged('gold', 'silver', 'DOWN', 'REVERSED', DAY, 4800));

    expect(view.member).toMatchObject({ tier: 'silver', tierChangedAt: DAY, grace: null, riskAnnounced: null, offerDueFor: null });
  });

  it('given a downgrade because points expired, then an offer is owed for that TierChanged until the offer is granted', () => {
    const down = tierChanged('gold', 'silver', 'DOWN', 'EXPIRED', DAY, 4800);

    expect(given(holding('gold'), down).member.offerDueFor).toBe(down.metadata.eventId);
    expect(given(holding('gold'), down, offerGranted('o1')).member.offerDueFor).toBeNull();
  });

  it('given a grace period announced, then the grace is recorded with the threshold to earn back', () => {
    const deadline = plusDays(DAY, 30);
    const view = given(holding('gold'), earned('b1', 4800), graceFor('gold', 4800, 200, deadline));

    expect(view.member.grace).toEqual({ tier: 'gold', threshold: 5000, until: deadline, cause: 'EXPIRED' });
    expect(view.member.riskAnnounced).toBe(`gold|${deadline}`);
  });

  it('given a grace period, when the member earns back to the threshold, then the grace is cleared and the tier kept', () => {
    const inGrace = [holding('gold'), earned('b1', 4800), graceFor('gold', 4800, 200, plusDays(DAY, 30))];

    expect(given(...inGrace, earned('b2', 199)).member.grace).not.toBeNull();
    const back = given(...inGrace, earned('b2', 200));
    expect(back.member.grace).toBeNull();
    expect(back.member.tier).toBe('gold');
  });

  it('given pending points during a grace period, then only their activation earns the tier back', () => {
    const inGrace = [holding('gold'), earned('b1', 4800), graceFor('gold', 4800, 200, plusDays(DAY, 30)), earned('p1', 300, { pending: true, activeFrom: DAY })];

    expect(given(...inGrace).member.grace).not.toBeNull();
    expect(given(...inGrace, activated('p1', 300, DAY)).member.grace).toBeNull();
  });

  it('given custom tiers assigned twice and revoked, then they are a sorted set', () => {
    expect(given(customTierAssigned('vip'), customTierAssigned('employee'), customTierAssigned('vip')).member.customTiers).toEqual(['employee', 'vip']);
    expect(given(customTierAssigned('vip'), customTierAssigned('employee'), customTierRevoked('vip')).member.customTiers).toEqual(['employee']);
  });
});

describe('evolveRules: own events coming back late', () => {
  const toSilver = tierChanged('bronze', 'silver', 'UP', 'EARNED', plusDays(DAY, 1), 1_200);
  const toGold = tierChanged('silver', 'gold', 'UP', 'EARNED', plusDays(DAY, 2), 5_100);

  it('given a later change already folded, when an earlier one comes back from the log, then the tier stays', () => {
    const decided = given(holding('bronze'), earned('b1', 5_100), toSilver, toGold);
    expect(evolveRules(decided, toSilver).member).toEqual(decided.member);
  });

  it('given a risk to a tier no longer held, when it comes back from the log, then no grace is recorded', () => {
    const risk = graceFor('gold', 4_800, 200, plusDays(DAY, 30));
    const down = tierChanged('gold', 'silver', 'DOWN', 'EXPIRED', plusDays(DAY, 30), 4_800);
    const after = given(holding('gold'), earned('b1', 4_800), risk, down);
    expect(evolveRules(after, risk).member).toEqual(after.member);
  });
});

describe('evolveRules: decided tier changes coming back from the log', () => {
  it('given an upgrade and then a downgrade decided, when the upgrade comes back, then the tier stays where the last decision left it (A, B, A)', () => {
    const enrolledBronze = given(holding('bronze'), earned('b1', 1_200));
    const up = decideTier(enrolledBronze, null, plusDays(DAY, 1), program, context);
    const dropped = evolveRules(up.view, reversed('r1', [['b1', 500]]));
    const down = decideTier(dropped, 'REVERSED', plusDays(DAY, 2), program, context);
    expect(down.view.member.tier).toBe('bronze');

    const replayed = [...up.events, ...down.events].reduce(evolveRules, down.view);
    expect(replayed.member.tier).toBe('bronze');
    expect(replayed.member.awaitingTierChanges).toEqual([]);
  });

  it('given no memory of the decisions (a rebuild), then the log’s tier changes apply in order', () => {
    const up = tierChanged('bronze', 'silver', 'UP', 'EARNED', plusDays(DAY, 1), 1_200);
    const down = tierChanged('silver', 'bronze', 'DOWN', 'REVERSED', plusDays(DAY, 2), 700);
    expect(given(holding('bronze'), earned('b1', 1_200), reversed('r1', [['b1', 500]]), up, down).member.tier).toBe('bronze');
  });
});
