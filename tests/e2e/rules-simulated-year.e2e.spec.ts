import { type LedgerEvent, type LedgerEventOf, tenantDayOf } from '@loyalty/domain';
import {
  NO_ROW_DIFFERENCE,
  RulesProgress,
  type StatusCounts,
  type TestSystem,
  memberBalances,
  oracleMembers,
  readLedger,
  rowDifference,
  sendStorefrontRequests,
  simulatedYearWorkload,
  startTestSystem,
  tierChainBreaks,
} from '@loyalty/testing';

/**
 * The issue: "A simulated year of a program for 1,000 members, with clock jumps, whose balances,
 * tiers and expiries match an independent fold of the same history."
 *
 * 1,000 members of two tenants (Berlin with a 14-day return window, New York with 7 days) live
 * through a year on the real stack: the clock jumps 1 day to 4 weeks at a time, and at every stop
 * they buy (batch endpoint), use the product and write reviews (temporary points, 90 days), return
 * goods, redeem, and a few become VIP (and some stop being VIP). The rules service runs every
 * missed day at its own midnight. At the end, the projector's balances and tiers, the last
 * TierChanged of every member and every PointsExpired must match an oracle that folds the
 * storefront's decided events plainly (libs/testing/src/tier-expiry-oracle.ts: product.md's rules,
 * none of the rules service's code), and no event id may appear twice.
 */
const SEED = 20_261_231;
const DAYS = 365;
const DAY_MS = 86_400_000;
const TENANTS = [
  { tenantId: 'acme', members: 700 },
  { tenantId: 'globex', members: 300 },
];
const ZONES: Record<string, string> = { acme: 'Europe/Berlin', globex: 'America/New_York' };
const PROGRAMS = { acme: {}, globex: { pendingDays: 7, timeZone: 'America/New_York' } };

const latest = <T>(items: readonly T[]) => items[items.length - 1];

describe('a simulated year of the program', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({ tenants: TENANTS.map((t) => t.tenantId), programs: PROGRAMS, rules: true, rulesEnv: { RULES_TICK_MS: '50' } });
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
  });

  it(
    `1,000 members over ${DAYS} days of clock jumps end with the balances, tiers and expiries of an independent fold of their history`,
    async () => {
      const began = Date.now();
      // Mid-morning UTC: well inside the day in both tenants' zones.
      const start = Math.ceil(Date.now() / DAY_MS) * DAY_MS + DAY_MS + 10 * 3_600_000;
      const steps = simulatedYearWorkload({ seed: SEED, tenants: TENANTS, start, days: DAYS });
      const today = (at: number) => Object.fromEntries(TENANTS.map(({ tenantId }) => [tenantId, tenantDayOf(new Date(at).toISOString(), ZONES[tenantId] ?? 'UTC')]));
      const progress = new RulesProgress(system);
      const statuses: StatusCounts = {};
      const end = latest(steps)?.at ?? start;
      try {
        for (const [i, step] of steps.entries()) {
          system.clock.set(new Date(step.at).toISOString());
          // The jump's days run one by one, each at its midnight; the stop's requests come after.
          await progress.untilSettled(i === 0 ? {} : today(step.at), { timeoutMs: 120_000 });
          for (const phase of step.phases) {
            for (const [key, n] of Object.entries(await sendStorefrontRequests(system, phase, 32))) statuses[key] = (statuses[key] ?? 0) + n;
          }
          await progress.untilSettled(today(step.at), { timeoutMs: 120_000 });
        }
        await progress.untilSettled(today(end), { projector: true, timeoutMs: 120_000 });
      } finally {
        await progress.close();
      }
      const driven = Date.now() - began;

      const ledger = await readLedger(system.kafka);
      const members = TENANTS.flatMap(({ tenantId, members: n }) => Array.from({ length: n }, (_, m) => ({ tenantId, memberId: `m${m}` })));
      const balances = await memberBalances(system, members);
      const oracle = oracleMembers(ledger, end, ZONES);
      const of = (type: LedgerEvent['type']) => ledger.filter((e) => e.type === type);
      const expired = ledger.filter((e): e is LedgerEventOf<'PointsExpired'> => e.type === 'PointsExpired');
      process.stderr.write(
        `simulated year: ${steps.length} clock stops, driven in ${driven} ms, checked after ${Date.now() - began} ms; ${ledger.length} ledger events; ` +
          `${of('PointsExpired').length} expiries, ${of('PointsActivated').length} activations, ${of('TierChanged').length} tier changes; requests: ${JSON.stringify(statuses)}\n`,
      );

      // No event id twice: nothing crashed, so nothing was published twice either.
      const ids = new Set<string>();
      const twice = ledger.map((e) => `${e.metadata.tenantId}|${e.metadata.eventId}`).filter((id) => ids.has(id) || !ids.add(id));
      expect(twice).toEqual([]);

      // The projector's balance of every member: active, pending, expired, qualifying and tier.
      expect(oracle).toHaveLength(members.length);
      const expected = oracle.map((o) => ({ key: `${o.tenantId}|${o.memberId}`, active: o.active, pending: o.pending, expired: o.expired, qualifying: o.qualifying, qualifyingPoints: o.qualifying, tier: o.tier }));
      const projected = [...balances].map(([key, b]) => ({ key, active: b.total.active, pending: b.total.pending, expired: b.total.expired, qualifying: b.total.qualifying, qualifyingPoints: b.qualifyingPoints, tier: b.tier.id }));
      expect(rowDifference(projected, expected, (r) => r.key)).toEqual(NO_ROW_DIFFERENCE);

      // The last TierChanged of every member in the log names the oracle's tier, and the member's
      // tier changes hold together (each starts where the previous one ended).
      expect(tierChainBreaks(ledger)).toEqual([]);
      const lastTier = new Map<string, string>();
      for (const e of ledger) if (e.type === 'TierChanged') lastTier.set(`${e.metadata.tenantId}|${e.metadata.memberId}`, e.data.to);
      expect(rowDifference([...lastTier].map(([key, tier]) => ({ key, tier })), expected.map((o) => ({ key: o.key, tier: o.tier })), (r) => r.key)).toEqual(NO_ROW_DIFFERENCE);

      // Every bucket the oracle expired expired exactly once, with what it held, at its midnight; no other did.
      const expiries = new Map<string, { key: string; points: number; at: string; times: number }>();
      for (const e of expired) {
        const key = `${e.metadata.tenantId}|${e.data.bucketId}`;
        expiries.set(key, { key, points: e.data.points, at: e.data.expiredAt, times: (expiries.get(key)?.times ?? 0) + 1 });
      }
      const expectedExpiries = oracle.flatMap((o) => [...o.expiries].map(([bucketId, x]) => ({ key: `${o.tenantId}|${bucketId}`, points: x.points, at: x.at, times: 1 })));
      expect(rowDifference([...expiries.values()], expectedExpiries, (r) => r.key)).toEqual(NO_ROW_DIFFERENCE);

      // The year exercised what it should: every tier, expiries that cost a tier, returns that
      // did, offers, VIPs who kept points past their expiry date, and both tenants.
      const count = (where: (e: LedgerEvent) => boolean) => ledger.filter(where).length;
      expect({
        gold: oracle.some((o) => o.tier === 'gold'),
        silver: oracle.some((o) => o.tier === 'silver'),
        downByExpiry: count((e) => e.type === 'TierChanged' && e.data.reason === 'EXPIRED') > 0,
        downByReturn: count((e) => e.type === 'TierChanged' && e.data.reason === 'REVERSED') > 0,
        keptByVip: oracle.some((o) => o.keptByVip > 0),
        offers: count((e) => e.type === 'ReengagementOfferGranted') > 0,
        tenants: [...new Set(ledger.map((e) => e.metadata.tenantId))].sort(),
      }).toEqual({ gold: true, silver: true, downByExpiry: true, downByReturn: true, keptByVip: true, offers: true, tenants: ['acme', 'globex'] });
    },
    // A bound, not a measurement: a year of days for two tenants, ~25k requests, on 2 cores.
    360_000,
  );
});
