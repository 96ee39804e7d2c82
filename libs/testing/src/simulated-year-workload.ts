import { seededRandom } from './fixtures/ledger-stream.fixtures';
import { type StorefrontRequest } from './storefront-requests';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Clock jumps in days: mostly small, sometimes weeks. */
const JUMPS = [1, 1, 1, 2, 3, 4, 5, 7, 10, 14, 21, 28];
const CATEGORIES = [
  ['books', 1],
  ['apparel', 2],
  ['ski-equipment', 3],
] as const;
const BATCH = 500;

export interface YearWorkloadOptions {
  readonly seed: number;
  /** Tenants share member ids (`m0`, `m1`, ...). */
  readonly tenants: readonly { readonly tenantId: string; readonly members: number }[];
  /** The services' clock at the first step, in ms. */
  readonly start: number;
  readonly days: number;
}

export interface YearStep {
  /** Where the clock stands for this step (the step's events happen in the two hours before). */
  readonly at: number;
  /** Sent one after the other; inside one, members in parallel and each member's requests in order. */
  readonly phases: readonly (readonly StorefrontRequest[])[];
}

type Habit = { purchase: number; basket: [number, number]; activity: number; until: number };
const HABITS: readonly Habit[] = [
  { purchase: 0.25, basket: [100, 900], activity: 0.15, until: Infinity }, // shopper
  { purchase: 0.25, basket: [100, 900], activity: 0.15, until: Infinity },
  { purchase: 0.35, basket: [400, 2_000], activity: 0.2, until: Infinity }, // big spender
  { purchase: 0.05, basket: [50, 300], activity: 0.7, until: Infinity }, // lives on temporary points
  { purchase: 0.05, basket: [50, 300], activity: 0.7, until: Infinity },
  { purchase: 0.1, basket: [50, 500], activity: 0.3, until: 150 }, // lapses after a few months
];

/**
 * A seeded year of a program: the clock jumps 1 day to 4 weeks at a time; at each stop members
 * buy (through the batch endpoint), use the product and write reviews (temporary points), return
 * goods of earlier purchases, redeem, and a few become VIP (some lose it again). Enrolments on the
 * first stop. The same options always give the same steps.
 */
export function simulatedYearWorkload(options: YearWorkloadOptions): YearStep[] {
  const random = seededRandom(options.seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const members = options.tenants.flatMap(({ tenantId, members: n }) =>
    Array.from({ length: n }, (_, m) => ({
      tenantId,
      memberId: `m${m}`,
      habit: HABITS[int(0, HABITS.length - 1)] as Habit,
      vipFrom: random() < 0.03 ? int(0, 180) : null,
      vipUntil: random() < 0.5 ? int(200, 330) : null,
      purchases: [] as { transactionId: string; lineId: string; amountMinor: number }[],
    })),
  );
  const days: number[] = [0];
  while ((days.at(-1) ?? 0) < options.days) days.push(Math.min(options.days, (days.at(-1) ?? 0) + (JUMPS[int(0, JUMPS.length - 1)] ?? 1)));
  let previous = -1;

  return days.map((day, step) => {
    const at = options.start + day * DAY_MS;
    const time = (phase: number, n: number) => new Date(at - 2 * 60 * MINUTE_MS + phase * 20 * MINUTE_MS + n * 1_000).toISOString();
    const phases: StorefrontRequest[][] = [[], [], [], []];
    const purchases = new Map<string, unknown[]>();
    const last = step === days.length - 1;
    for (const [n, m] of members.entries()) {
      const { tenantId, memberId, habit } = m;
      const who = { tenantId, memberId };
      if (step === 0) phases[0]?.push({ ...who, method: 'POST', path: '/v1/members', body: { tenantId, memberId, enrolledAt: time(0, n) } });
      if (m.vipFrom !== null && m.vipFrom > previous && m.vipFrom <= day) phases[0]?.push({ ...who, method: 'PUT', path: `/v1/members/${memberId}/custom-tiers/vip` });
      if (m.vipFrom !== null && m.vipUntil !== null && m.vipUntil > previous && m.vipUntil <= day) phases[0]?.push({ ...who, method: 'DELETE', path: `/v1/members/${memberId}/custom-tiers/vip` });
      if (last || day > habit.until) continue;

      if (random() < habit.purchase) {
        const transactionId = `y${step}-${memberId}`;
        const points = int(habit.basket[0], habit.basket[1]);
        const lines = Array.from({ length: int(1, 2) }, (_, l) => {
          const [category, rate] = CATEGORIES[int(0, CATEGORIES.length - 1)] as (typeof CATEGORIES)[number];
          return { lineId: `l${l}`, sku: `${category}-${l}`, category, quantity: int(1, 3), unitPriceMinor: Math.ceil((points * 100) / rate / 2) };
        });
        const batch = purchases.get(tenantId) ?? [];
        batch.push({ tenantId, transactionId, memberId, occurredAt: time(1, n), channel: random() < 0.5 ? 'web' : 'pos', currency: 'EUR', lines });
        purchases.set(tenantId, batch);
        m.purchases.push({ transactionId, lineId: 'l0', amountMinor: (lines[0]?.quantity ?? 1) * (lines[0]?.unitPriceMinor ?? 0) });
      }
      if (random() < habit.activity) {
        for (let a = random() < 0.2 ? 2 : 1; a > 0; a--) {
          const activityType = random() < 0.6 ? 'product-usage' : 'review-written';
          phases[2]?.push({ ...who, method: 'POST', path: '/v1/activities', body: { tenantId, activityId: `y${step}-${memberId}-${a}`, memberId, activityType, occurredAt: time(2, n * 3 + a) } });
        }
      }
      const earlier = m.purchases.filter((p) => !p.transactionId.startsWith(`y${step}-`));
      const returned = earlier[int(0, earlier.length - 1)];
      if (returned !== undefined && random() < 0.03) {
        const amountMinor = random() < 0.5 ? returned.amountMinor : Math.max(1, Math.floor(returned.amountMinor * random()));
        phases[3]?.push({
          ...who,
          method: 'POST',
          path: '/v1/returns',
          body: { tenantId, returnId: `r${step}-${memberId}`, transactionId: returned.transactionId, memberId, occurredAt: time(3, n), lines: [{ lineId: returned.lineId, amountMinor }] },
        });
      }
      if (random() < 0.05) phases[3]?.push({ ...who, method: 'POST', path: '/v1/redemptions', body: { tenantId, redemptionId: `red${step}-${memberId}`, memberId, points: int(100, 2_000) } });
    }
    for (const [tenantId, batch] of purchases) {
      for (let i = 0; i < batch.length; i += BATCH) {
        phases[1]?.push({ tenantId, memberId: `batch-${i}`, method: 'POST', path: '/v1/purchases/batch', body: { purchases: batch.slice(i, i + BATCH) } });
      }
    }
    previous = day;
    return { at, phases };
  });
}
