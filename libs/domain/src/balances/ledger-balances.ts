import { type BucketAmount } from '../events/generated/ledger-event.types';
import { type LedgerEvent, type LedgerEventType } from '../events/ledger-event';

/** A member's points in one currency: what is left in the member's buckets, split by `pending`. */
export interface MemberCurrencyBalance {
  readonly tenantId: string;
  readonly memberId: string;
  readonly currency: string;
  readonly active: number;
  readonly pending: number;
}

/** One bucket of points as the log leaves it. */
export interface BucketBalance {
  readonly tenantId: string;
  readonly bucketId: string;
  readonly memberId: string;
  readonly currency: string;
  readonly pending: boolean;
  readonly amount: number;
  readonly remaining: number;
}

/** Points a member owes after returns of already-spent points. */
export interface MemberDebt {
  readonly tenantId: string;
  readonly memberId: string;
  readonly debt: number;
}

/** What a member's tier is measured on, and the tiers the log gave them. */
export interface MemberStanding {
  readonly tenantId: string;
  readonly memberId: string;
  /** All currencies together; see `foldLedgerBalances` for what counts. */
  readonly qualifyingPoints: number;
  /** The `to` of the member's latest TierChanged; null before the first. */
  readonly tier: string | null;
  /** Custom tiers assigned and not revoked, sorted. */
  readonly customTiers: readonly string[];
}

export interface LedgerBalances {
  /** One row per (tenant, member, currency) that has a bucket, sorted by tenant, member, currency. */
  readonly balances: readonly MemberCurrencyBalance[];
  /** Every bucket, sorted by tenant and bucket id. */
  readonly buckets: readonly BucketBalance[];
  /** Members whose debt is not zero, sorted by tenant and member. */
  readonly debts: readonly MemberDebt[];
  /** Members with a distinct event that moves points or tiers, sorted by tenant and member. */
  readonly standings: readonly MemberStanding[];
  /** The distinct events that move points, `{tenantId, eventId}` in the order they were first seen. */
  readonly pointEvents: readonly { readonly tenantId: string; readonly eventId: string }[];
  /** The distinct tier events, `{tenantId, eventId}` in the order they were first seen. */
  readonly tierEvents: readonly { readonly tenantId: string; readonly eventId: string }[];
}

/** The event types that move points (the projector writes a ledger entry for exactly these). */
export const POINT_MOVING_EVENT_TYPES = [
  'PointsEarned',
  'PointsSpent',
  'RedemptionCancelled',
  'PointsReversed',
  'PointsAdjusted',
  'PointsActivated',
  'PointsExpired',
] as const satisfies readonly LedgerEventType[];

export type PointMovingEvent = Extract<LedgerEvent, { type: (typeof POINT_MOVING_EVENT_TYPES)[number] }>;

export function movesPoints(event: LedgerEvent): event is PointMovingEvent {
  return (POINT_MOVING_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** The event types that change a member's tiers (the projector keeps a tier history of exactly these). */
export const TIER_EVENT_TYPES = ['TierChanged', 'CustomTierAssigned', 'CustomTierRevoked'] as const satisfies readonly LedgerEventType[];

export type TierEvent = Extract<LedgerEvent, { type: (typeof TIER_EVENT_TYPES)[number] }>;

export function changesTiers(event: LedgerEvent): event is TierEvent {
  return (TIER_EVENT_TYPES as readonly string[]).includes(event.type);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const key = (...parts: readonly string[]): string => parts.join('\u0000');

type MutableBucket = { -readonly [K in keyof BucketBalance]: BucketBalance[K] };
type MutableStanding = { -readonly [K in keyof MemberStanding]: MemberStanding[K] };

/**
 * The balances a sequence of ledger events leaves, as a pure function of the events: any members,
 * any tenants, in log order (only each member's own order matters).
 *
 * This is the independent oracle of the projector's tests (a crash-recovery spec kills the
 * projector mid-stream and compares its tables with this fold of the same events), so it is
 * written from the ledger's rules, not from the projector's code:
 * - an event counts once per (tenant, event id): a resent event changes nothing;
 * - `PointsEarned` opens a bucket (keyed by tenant and bucket id; the first one wins) holding
 *   `points - debtRecovered`, pending or active, and repays `debtRecovered` of debt;
 * - `PointsActivated` makes its pending bucket active; `PointsExpired` takes its points out of its
 *   bucket, once (a bucket expires once); either does nothing to a bucket not opened;
 * - `PointsSpent`, `PointsReversed` and `PointsAdjusted` take the named points out of the named
 *   buckets, `RedemptionCancelled` puts them back; a bucket not (yet) opened is left alone;
 *   `PointsReversed` adds its `debt` to the member's debt;
 * - a member's balance per currency is the sum of what remains in its buckets of that currency,
 *   `active` for active buckets and `pending` for pending ones;
 * - qualifying points (per member, all currencies together; the rules service counts the same):
 *   + `points` of an active `PointsEarned` that opened its bucket (debt it repaid included) and of
 *   a `PointsActivated` that activated one; - `points` of a `PointsExpired` that expired one and of
 *   `PointsAdjusted`; - `points` of `PointsReversed` less what it took from buckets pending at the
 *   time (those never counted); spending and cancelling redemptions change nothing;
 * - the tier is the `to` of the member's latest `TierChanged`; custom tiers are those assigned
 *   (`CustomTierAssigned`) and not revoked since.
 *
 * `evolveMember` is not reused: it folds one member and deduplicates nothing (a resent earning
 * replaces the bucket with a full one), which is right for deciding and wrong for this oracle.
 */
export function foldLedgerBalances(events: Iterable<LedgerEvent>): LedgerBalances {
  const seen = new Set<string>();
  const pointEvents: { tenantId: string; eventId: string }[] = [];
  const tierEvents: { tenantId: string; eventId: string }[] = [];
  const buckets = new Map<string, MutableBucket>();
  const debts = new Map<string, MemberDebt>();
  const standings = new Map<string, MutableStanding>();
  const expired = new Set<string>();

  const addDebt = (tenantId: string, memberId: string, delta: number) => {
    if (delta === 0) return;
    const k = key(tenantId, memberId);
    debts.set(k, { tenantId, memberId, debt: (debts.get(k)?.debt ?? 0) + delta });
  };
  const move = (tenantId: string, amounts: readonly BucketAmount[], sign: 1 | -1) => {
    for (const { bucketId, points } of amounts) {
      const bucket = buckets.get(key(tenantId, bucketId));
      if (bucket !== undefined) bucket.remaining += sign * points;
    }
  };
  const standingOf = (tenantId: string, memberId: string): MutableStanding => {
    const k = key(tenantId, memberId);
    let standing = standings.get(k);
    if (standing === undefined) {
      standing = { tenantId, memberId, qualifyingPoints: 0, tier: null, customTiers: [] };
      standings.set(k, standing);
    }
    return standing;
  };
  const takenFromPending = (tenantId: string, amounts: readonly BucketAmount[]) =>
    amounts.filter((a) => buckets.get(key(tenantId, a.bucketId))?.pending === true).reduce((s, a) => s + a.points, 0);

  for (const event of events) {
    if (!movesPoints(event) && !changesTiers(event)) continue;
    const { tenantId, eventId, memberId } = event.metadata;
    const id = key(tenantId, eventId);
    if (seen.has(id)) continue;
    seen.add(id);
    (movesPoints(event) ? pointEvents : tierEvents).push({ tenantId, eventId });
    const standing = standingOf(tenantId, memberId);

    switch (event.type) {
      case 'PointsEarned': {
        const { data } = event;
        const k = key(tenantId, data.bucketId);
        if (!buckets.has(k)) {
          buckets.set(k, { tenantId, bucketId: data.bucketId, memberId, currency: data.currency, pending: data.pending, amount: data.points, remaining: data.points - data.debtRecovered });
          if (!data.pending) standing.qualifyingPoints += data.points;
        }
        addDebt(tenantId, memberId, -data.debtRecovered);
        break;
      }
      case 'PointsActivated': {
        const bucket = buckets.get(key(tenantId, event.data.bucketId));
        if (bucket === undefined || !bucket.pending) break;
        bucket.pending = false;
        standing.qualifyingPoints += event.data.points;
        break;
      }
      case 'PointsExpired': {
        const k = key(tenantId, event.data.bucketId);
        const bucket = buckets.get(k);
        if (bucket === undefined || expired.has(k)) break;
        expired.add(k);
        bucket.remaining -= event.data.points;
        standing.qualifyingPoints -= event.data.points;
        break;
      }
      case 'PointsSpent':
        move(tenantId, event.data.buckets, -1);
        break;
      case 'RedemptionCancelled':
        move(tenantId, event.data.buckets, 1);
        break;
      case 'PointsReversed':
        // Read before the move: "pending at the time" of the reversal.
        standing.qualifyingPoints -= event.data.points - takenFromPending(tenantId, event.data.buckets);
        move(tenantId, event.data.buckets, -1);
        addDebt(tenantId, memberId, event.data.debt);
        break;
      case 'PointsAdjusted':
        move(tenantId, event.data.buckets, -1);
        standing.qualifyingPoints -= event.data.points;
        break;
      case 'TierChanged':
        standing.tier = event.data.to;
        break;
      case 'CustomTierAssigned':
        if (!standing.customTiers.includes(event.data.tier)) standing.customTiers = [...standing.customTiers, event.data.tier].sort(compare);
        break;
      case 'CustomTierRevoked':
        standing.customTiers = standing.customTiers.filter((t) => t !== event.data.tier);
        break;
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
      }
    }
  }

  const balances = new Map<string, { tenantId: string; memberId: string; currency: string; active: number; pending: number }>();
  for (const b of buckets.values()) {
    const k = key(b.tenantId, b.memberId, b.currency);
    const row = balances.get(k) ?? { tenantId: b.tenantId, memberId: b.memberId, currency: b.currency, active: 0, pending: 0 };
    if (b.pending) row.pending += b.remaining;
    else row.active += b.remaining;
    balances.set(k, row);
  }

  const byMember = (a: { tenantId: string; memberId: string }, b: { tenantId: string; memberId: string }) => compare(a.tenantId, b.tenantId) || compare(a.memberId, b.memberId);
  return {
    balances: [...balances.values()].sort((a, b) => byMember(a, b) || compare(a.currency, b.currency)),
    buckets: [...buckets.values()].map((b) => ({ ...b })).sort((a, b) => compare(a.tenantId, b.tenantId) || compare(a.bucketId, b.bucketId)),
    debts: [...debts.values()].filter((d) => d.debt !== 0).sort(byMember),
    standings: [...standings.values()].map((s) => ({ ...s })).sort(byMember),
    pointEvents,
    tierEvents,
  };
}
