import { seededRandom } from './fixtures/ledger-stream.fixtures';
import { type StorefrontRequest } from './storefront-requests';

const DAY_MS = 86_400_000;

export interface LifecycleWorkloadOptions {
  readonly seed: number;
  /** Tenants share member ids (`m0`, `m1`, ...): only the tenant tells them apart. */
  readonly tenants: readonly { readonly tenantId: string; readonly members: number }[];
  /** Days of the run: the workload happens on days 0 to `days - 1`. */
  readonly days: number;
  /** The services' clock on day 0; on day d it stands d days later. Each day's events happen in the two hours before. */
  readonly start: string;
}

interface Line {
  readonly lineId: string;
  readonly sku: string;
  readonly category: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
}

type Profile = 'silver-edge' | 'gold-edge' | 'casual' | 'big' | 'late';
const PROFILES: readonly Profile[] = ['silver-edge', 'silver-edge', 'silver-edge', 'gold-edge', 'gold-edge', 'casual', 'casual', 'casual', 'big', 'late'];
/** Category → points per euro (the default program's rates). */
const CATEGORIES = [
  ['books', 1],
  ['apparel', 2],
  ['ski-equipment', 3],
] as const;

/**
 * A seeded storefront workload for the rules service's whole lifecycle, as requests per day (each
 * member's in order): enrolments on day 0; purchases (pending for the program's return window)
 * sized so that members end near the Silver and Gold thresholds, with temporary points from
 * activities making the difference until they expire 90 days later (warnings, downgrade risks,
 * downgrades, re-engagement offers); returns inside and after the return window (cancellations,
 * reversals that cost a tier); redemptions; VIPs whose temporary points do not expire, some
 * revoked after the expiry date; late purchases and activities that claim the offers.
 * The same options always give the same requests, so two runs of a system can be compared.
 */
export function lifecycleWorkload(options: LifecycleWorkloadOptions): StorefrontRequest[][] {
  const days: StorefrontRequest[][] = Array.from({ length: options.days }, () => []);
  const plans: { day: number; order: number; request: (occurredAt: string) => StorefrontRequest }[] = [];
  const start = Date.parse(options.start);
  for (const [t, { tenantId, members }] of options.tenants.entries()) {
    for (let m = 0; m < members; m++) {
      const random = seededRandom(options.seed * 7_919 + t * 1_000_003 + m);
      const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
      const memberId = `m${m}`;
      const member = { tenantId, memberId };
      const at = (day: number, order: number, request: (occurredAt: string) => StorefrontRequest) => {
        if (day < options.days) plans.push({ day, order, request });
      };
      at(0, 0, (occurredAt) => ({ ...member, method: 'POST', path: '/v1/members', body: { tenantId, memberId, enrolledAt: occurredAt } }));

      const profile = PROFILES[int(0, PROFILES.length - 1)] as Profile;
      const vip = random() < 0.08;
      if (vip) {
        at(int(1, 4), 1, () => ({ ...member, method: 'PUT', path: `/v1/members/${memberId}/custom-tiers/vip` }));
        if (random() < 0.4) at(int(96, 100), 1, () => ({ ...member, method: 'DELETE', path: `/v1/members/${memberId}/custom-tiers/vip` }));
      }

      const target = { 'silver-edge': int(850, 990), 'gold-edge': int(4_700, 4_990), casual: int(50, 700), big: int(1_000, 8_000), late: int(300, 1_500) }[profile];
      const purchases = int(1, 3);
      const purchaseDays: number[] = [];
      for (let p = 0; p < purchases; p++) {
        const day = profile === 'late' ? int(80, 95) : int(0, 8);
        purchaseDays.push(day);
        const transactionId = `tx-${memberId}-${p}`;
        const share = Math.floor(target / purchases);
        const lines: Line[] = [0, 1].slice(0, int(1, 2)).map((l, _i, all) => {
          const [category, rate] = CATEGORIES[int(0, CATEGORIES.length - 1)] as (typeof CATEGORIES)[number];
          const points = Math.floor(share / all.length);
          return { lineId: `l${l}`, sku: `${category}-${l}`, category, quantity: 1, unitPriceMinor: Math.ceil((points * 100) / rate) };
        });
        // Gift cards earn nothing.
        if (random() < 0.3) lines.push({ lineId: 'gift', sku: 'gift-card', category: 'gift-cards', quantity: 1, unitPriceMinor: int(1_000, 5_000) });
        at(day, 2, (occurredAt) => ({ ...member, method: 'POST', path: '/v1/purchases', body: { tenantId, transactionId, memberId, occurredAt, channel: 'web', currency: 'EUR', lines } }));
        if (random() < 0.2) {
          // Inside the return window (pending points cancelled) or after it (active points reversed).
          const returnDay = random() < 0.5 ? day + int(0, 2) : day + int(8, 30);
          const line = lines[0];
          if (line !== undefined) {
            const amountMinor = Math.max(1, Math.floor(line.unitPriceMinor * (random() < 0.5 ? 1 : random())));
            at(returnDay, 3, (occurredAt) => ({
              ...member,
              method: 'POST',
              path: '/v1/returns',
              body: { tenantId, returnId: `ret-${memberId}-${p}`, transactionId, memberId, occurredAt, lines: [{ lineId: line.lineId, amountMinor }] },
            }));
          }
        }
      }

      const activity = (day: number, activityType: string, n: number) =>
        at(day, 4, (occurredAt) => ({ ...member, method: 'POST', path: '/v1/activities', body: { tenantId, activityId: `act-${memberId}-${day}-${activityType}-${n}`, memberId, activityType, occurredAt } }));
      const early = profile === 'late' ? [60, 75] : [0, 10];
      const usageDays = new Set(Array.from({ length: int(0, 8) }, () => int(early[0] ?? 0, early[1] ?? 0)));
      for (const day of usageDays) activity(day, 'product-usage', 0);
      for (let r = int(0, 4); r > 0; r--) activity(int(early[0] ?? 0, early[1] ?? 0), 'review-written', r);
      if (profile === 'silver-edge' || profile === 'gold-edge') {
        // Members about to lose a tier come back: some inside the re-engagement offer's window.
        for (let c = int(0, 3); c > 0; c--) activity(int(92, 104), 'product-usage', c);
      }

      if (random() < 0.3) {
        const day = int(20, 85);
        at(day, 5, () => ({ ...member, method: 'POST', path: '/v1/redemptions', body: { tenantId, redemptionId: `red-${memberId}-${day}`, memberId, points: int(50, 800) } }));
      }
      if (purchaseDays.length > 0 && random() < 0.1) {
        const day = int(40, 90);
        at(day, 5, () => ({ ...member, method: 'POST', path: '/v1/redemptions', body: { tenantId, redemptionId: `red-big-${memberId}-${day}`, memberId, points: int(1, 3) * 1_000 } }));
      }
    }
  }
  // Per member per day, in the planned order; each gets its own moment in the day's two hours.
  plans.sort((a, b) => a.day - b.day || a.order - b.order);
  const seen = new Map<string, number>();
  for (const plan of plans) {
    const probe = plan.request('');
    const key = `${plan.day}|${probe.tenantId}|${probe.memberId}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const occurredAt = new Date(start + plan.day * DAY_MS - 2 * 3_600_000 + n * 10_000).toISOString();
    days[plan.day]?.push(plan.request(occurredAt));
  }
  return days;
}
