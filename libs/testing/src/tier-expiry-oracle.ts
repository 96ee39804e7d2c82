import { type LedgerEvent } from '@loyalty/domain';

/**
 * An independent account of what a member's tier, qualifying points, balance and expiries should
 * be, written plainly from product.md rather than from the rules service's code (it shares none of
 * evolveRules, decideTier, decideDueMovements or the time helpers):
 * - its inputs are what ingestion decided for the storefront (PointsEarned, PointsSpent,
 *   RedemptionCancelled, PointsReversed, CustomTierAssigned/Revoked), never the rules service's
 *   output (TierChanged, PointsActivated, PointsExpired, warnings);
 * - at every midnight of the tenant's time zone (the first boundary at or after a date counts):
 *   pending points whose return window is over become active, then buckets whose expiry date has
 *   come expire with whatever they still hold, unless the member is VIP then (their points wait for
 *   the first midnight at which they are not);
 * - qualifying points are active earned points, less expired and reversed ones (pending ones
 *   cancelled by a return never counted); spending does not lower them;
 * - the tier: Bronze from 0, Silver from 1,000, Gold from 5,000 qualifying points; up as soon as
 *   the points reach a threshold, down to what the points support when an expiry or a return takes
 *   them below it (no grace period).
 */
export interface OracleTier {
  readonly id: string;
  readonly threshold: number;
}

export const ORACLE_TIERS: readonly OracleTier[] = [
  { id: 'bronze', threshold: 0 },
  { id: 'silver', threshold: 1_000 },
  { id: 'gold', threshold: 5_000 },
];

export interface OracleMember {
  readonly tenantId: string;
  readonly memberId: string;
  readonly active: number;
  readonly pending: number;
  readonly expired: number;
  readonly qualifying: number;
  readonly tier: string;
  /** Buckets past their expiry date at the last midnight, kept because the member is VIP. */
  readonly keptByVip: number;
  /** Bucket id → what expired and at which midnight. */
  readonly expiries: ReadonlyMap<string, { readonly points: number; readonly at: string }>;
}

interface Bucket {
  readonly currency: string;
  pending: boolean;
  readonly activeFrom: number;
  readonly expiresAt: number | null;
  remaining: number;
  expired: boolean;
}

const STOREFRONT_TYPES = new Set(['PointsEarned', 'PointsSpent', 'RedemptionCancelled', 'PointsReversed', 'CustomTierAssigned', 'CustomTierRevoked', 'MemberEnrolled']);

/** The wall-clock date and time of an instant in a zone, as `YYYY-MM-DD HH:mm`. */
function wallClock(instant: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** Every local midnight of the zone from about a day before `from` up to `to`, as instants. */
export function midnights(from: number, to: number, timeZone: string): number[] {
  const found: number[] = [];
  // Local midnight is within 14 hours of UTC midnight of the same date: try each whole hour.
  for (let day = Date.UTC(new Date(from).getUTCFullYear(), new Date(from).getUTCMonth(), new Date(from).getUTCDate()) - 86_400_000; day <= to + 86_400_000; day += 86_400_000) {
    const date = new Date(day).toISOString().slice(0, 10);
    for (let hours = -14; hours <= 14; hours++) {
      const candidate = day - hours * 3_600_000;
      if (wallClock(candidate, timeZone) === `${date} 00:00`) {
        found.push(candidate);
        break;
      }
    }
  }
  return found.filter((m) => m <= to);
}

/**
 * The oracle's account of every member in `events` (a whole ledger, read in log order), with the
 * clock at `now` (midnights up to it have passed). Duplicate event ids count once.
 */
export function oracleMembers(events: readonly LedgerEvent[], now: number, timeZones: Readonly<Record<string, string>>, tiers: readonly OracleTier[] = ORACLE_TIERS): OracleMember[] {
  const byMember = new Map<string, LedgerEvent[]>();
  const seen = new Set<string>();
  for (const e of events) {
    const id = `${e.metadata.tenantId}|${e.metadata.eventId}`;
    if (seen.has(id) || !STOREFRONT_TYPES.has(e.type)) continue;
    seen.add(id);
    const key = `${e.metadata.tenantId}|${e.metadata.memberId}`;
    byMember.set(key, [...(byMember.get(key) ?? []), e]);
  }
  const boundaries = new Map<string, number[]>();
  const first = events.reduce((min, e) => Math.min(min, Date.parse(e.metadata.occurredAt)), now);
  for (const [tenantId, zone] of Object.entries(timeZones)) boundaries.set(tenantId, midnights(first, now, zone));
  return [...byMember.values()].map((history) => account(history, boundaries.get(history[0]?.metadata.tenantId ?? '') ?? [], now, tiers));
}

function account(history: readonly LedgerEvent[], boundaries: readonly number[], now: number, tiers: readonly OracleTier[]): OracleMember {
  const { tenantId, memberId } = history[0]?.metadata ?? { tenantId: '', memberId: '' };
  const buckets = new Map<string, Bucket>();
  const expiries = new Map<string, { points: number; at: string }>();
  let qualifying = 0;
  let vip = false;
  let tier = tiers[0]?.id ?? 'bronze';
  const supported = () => tiers.filter((t) => qualifying >= t.threshold).at(-1)?.id ?? tier;
  const rank = (id: string) => tiers.findIndex((t) => t.id === id);
  const settleTier = (dropped: boolean) => {
    const now = supported();
    if (rank(now) > rank(tier) || (dropped && rank(now) < rank(tier))) tier = now;
  };
  let next = 0; // index of the next midnight to pass
  const passMidnightsUntil = (time: number) => {
    for (; next < boundaries.length && (boundaries[next] ?? 0) <= time; next++) {
      const midnight = boundaries[next] ?? 0;
      for (const b of buckets.values()) {
        if (b.pending && b.activeFrom <= midnight) {
          b.pending = false;
          qualifying += b.remaining;
        }
      }
      settleTier(false);
      let dropped = false;
      for (const [bucketId, b] of buckets) {
        if (b.pending || b.expired || b.expiresAt === null || b.expiresAt > midnight || vip) continue;
        b.expired = true;
        expiries.set(bucketId, { points: b.remaining, at: new Date(midnight).toISOString() });
        qualifying -= b.remaining;
        dropped ||= b.remaining > 0;
        b.remaining = 0;
      }
      settleTier(dropped);
    }
  };
  const move = (amounts: readonly { bucketId: string; points: number }[], sign: 1 | -1) => {
    for (const { bucketId, points } of amounts) {
      const b = buckets.get(bucketId);
      if (b !== undefined) b.remaining += sign * points;
    }
  };

  for (const e of history) {
    passMidnightsUntil(Date.parse(e.metadata.occurredAt));
    switch (e.type) {
      case 'PointsEarned': {
        const d = e.data;
        buckets.set(d.bucketId, { currency: d.currency, pending: d.pending, activeFrom: Date.parse(d.activeFrom), expiresAt: d.expiresAt === null ? null : Date.parse(d.expiresAt), remaining: d.points - d.debtRecovered, expired: false });
        if (!d.pending) qualifying += d.points;
        settleTier(false);
        break;
      }
      case 'PointsSpent':
        move(e.data.buckets, -1);
        break;
      case 'RedemptionCancelled':
        move(e.data.buckets, 1);
        break;
      case 'PointsReversed': {
        const cancelledPending = e.data.buckets.filter((b) => buckets.get(b.bucketId)?.pending === true).reduce((s, b) => s + b.points, 0);
        move(e.data.buckets, -1);
        qualifying -= e.data.points - cancelledPending;
        settleTier(e.data.points - cancelledPending > 0);
        break;
      }
      case 'CustomTierAssigned':
        if (e.data.tier === 'vip') vip = true;
        break;
      case 'CustomTierRevoked':
        if (e.data.tier === 'vip') vip = false;
        break;
      default:
        break;
    }
  }
  passMidnightsUntil(now);

  const live = [...buckets.values()].filter((b) => !b.expired);
  const lastMidnight = boundaries[next - 1] ?? 0;
  return {
    tenantId,
    memberId,
    active: live.filter((b) => !b.pending).reduce((s, b) => s + b.remaining, 0),
    pending: live.filter((b) => b.pending).reduce((s, b) => s + b.remaining, 0),
    expired: [...expiries.values()].reduce((s, x) => s + x.points, 0),
    qualifying,
    tier,
    keptByVip: live.filter((b) => b.expiresAt !== null && b.expiresAt <= lastMidnight).length,
    expiries,
  };
}
