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

export interface LedgerBalances {
  /** One row per (tenant, member, currency) that has a bucket, sorted by tenant, member, currency. */
  readonly balances: readonly MemberCurrencyBalance[];
  /** Every bucket, sorted by tenant and bucket id. */
  readonly buckets: readonly BucketBalance[];
  /** Members whose debt is not zero, sorted by tenant and member. */
  readonly debts: readonly MemberDebt[];
  /** The distinct events that move points, `{tenantId, eventId}` in the order they were first seen. */
  readonly pointEvents: readonly { readonly tenantId: string; readonly eventId: string }[];
}

/** The event types that move points (the projector writes a ledger entry for exactly these). */
export const POINT_MOVING_EVENT_TYPES = ['PointsEarned', 'PointsSpent', 'RedemptionCancelled', 'PointsReversed', 'PointsAdjusted'] as const satisfies readonly LedgerEventType[];

export type PointMovingEvent = Extract<LedgerEvent, { type: (typeof POINT_MOVING_EVENT_TYPES)[number] }>;

export function movesPoints(event: LedgerEvent): event is PointMovingEvent {
  return (POINT_MOVING_EVENT_TYPES as readonly string[]).includes(event.type);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const key = (...parts: readonly string[]): string => parts.join('\u0000');

type MutableBucket = { -readonly [K in keyof BucketBalance]: BucketBalance[K] };

/**
 * The balances a sequence of ledger events leaves, as a pure function of the events: any members,
 * any tenants, in log order (only each member's own order matters).
 *
 * This is the independent oracle of the projector's tests (a crash-recovery spec kills the
 * projector mid-stream and compares its tables with this fold of the same events), so it is
 * written from the ledger's rules, not from the projector's code:
 * - an event counts once per (tenant, event id): a resent event changes nothing;
 * - `PointsEarned` opens a bucket (keyed by tenant and bucket id; the first one wins) holding
 *   `points - debtRecovered`, pending or active for good, and repays `debtRecovered` of debt;
 * - `PointsSpent`, `PointsReversed` and `PointsAdjusted` take the named points out of the named
 *   buckets, `RedemptionCancelled` puts them back; a bucket not (yet) opened is left alone;
 *   `PointsReversed` adds its `debt` to the member's debt;
 * - a member's balance per currency is the sum of what remains in its buckets of that currency,
 *   `active` for active buckets and `pending` for pending ones.
 *
 * `evolveMember` is not reused: it folds one member and deduplicates nothing (a resent earning
 * replaces the bucket with a full one), which is right for deciding and wrong for this oracle.
 */
export function foldLedgerBalances(events: Iterable<LedgerEvent>): LedgerBalances {
  const seen = new Set<string>();
  const pointEvents: { tenantId: string; eventId: string }[] = [];
  const buckets = new Map<string, MutableBucket>();
  const debts = new Map<string, MemberDebt>();

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

  for (const event of events) {
    if (!movesPoints(event)) continue;
    const { tenantId, eventId, memberId } = event.metadata;
    const id = key(tenantId, eventId);
    if (seen.has(id)) continue;
    seen.add(id);
    pointEvents.push({ tenantId, eventId });

    switch (event.type) {
      case 'PointsEarned': {
        const { data } = event;
        const k = key(tenantId, data.bucketId);
        if (!buckets.has(k)) {
          buckets.set(k, { tenantId, bucketId: data.bucketId, memberId, currency: data.currency, pending: data.pending, amount: data.points, remaining: data.points - data.debtRecovered });
        }
        addDebt(tenantId, memberId, -data.debtRecovered);
        break;
      }
      case 'PointsSpent':
        move(tenantId, event.data.buckets, -1);
        break;
      case 'RedemptionCancelled':
        move(tenantId, event.data.buckets, 1);
        break;
      case 'PointsReversed':
        move(tenantId, event.data.buckets, -1);
        addDebt(tenantId, memberId, event.data.debt);
        break;
      case 'PointsAdjusted':
        move(tenantId, event.data.buckets, -1);
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

  return {
    balances: [...balances.values()].sort((a, b) => compare(a.tenantId, b.tenantId) || compare(a.memberId, b.memberId) || compare(a.currency, b.currency)),
    buckets: [...buckets.values()].map((b) => ({ ...b })).sort((a, b) => compare(a.tenantId, b.tenantId) || compare(a.bucketId, b.bucketId)),
    debts: [...debts.values()].filter((d) => d.debt !== 0).sort((a, b) => compare(a.tenantId, b.tenantId) || compare(a.memberId, b.memberId)),
    pointEvents,
  };
}
