import { type BucketAmount } from '../events/generated/ledger-event.types';
import { type LedgerEvent } from '../events/ledger-event';
import { type PointBalance } from './connector-event';

export interface SnapshotBucket {
  readonly currency: string;
  readonly remaining: number;
  readonly pending: boolean;
  readonly expired: boolean;
}

/** How a member can be reached by a destination: never published, only used to address the vendor. */
export interface MemberContact {
  readonly email: string | null;
  readonly phone: string | null;
  readonly loyaltyCardNumber: string | null;
}

/**
 * What the connector knows of one member, folded from the member's ledger events: enough to tell
 * subscribers the member's standing after each event. The arithmetic follows the ledger's rules
 * (see `foldLedgerBalances`), so the connector's balances match the projector's.
 */
export interface MemberSnapshot {
  readonly tier: string | null;
  readonly customTiers: readonly string[];
  readonly qualifyingPoints: number;
  readonly buckets: Readonly<Record<string, SnapshotBucket>>;
  readonly contact: MemberContact;
  /**
   * The ids of the member's latest events. The ledger is written at least once, so an event can
   * appear twice, close together; a point movement seen again must not move points twice.
   */
  readonly recentEventIds: readonly string[];
}

export const RECENT_EVENT_IDS_KEPT = 64;

export const EMPTY_SNAPSHOT: MemberSnapshot = {
  tier: null,
  customTiers: [],
  qualifyingPoints: 0,
  buckets: {},
  contact: { email: null, phone: null, loyaltyCardNumber: null },
  recentEventIds: [],
};

const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The member's points per currency: what remains in its buckets, sorted by currency. */
export function snapshotBalances(snapshot: MemberSnapshot): PointBalance[] {
  const totals = new Map<string, { active: number; pending: number }>();
  for (const bucket of Object.values(snapshot.buckets)) {
    const total = totals.get(bucket.currency) ?? { active: 0, pending: 0 };
    if (bucket.pending) total.pending += bucket.remaining;
    else total.active += bucket.remaining;
    totals.set(bucket.currency, total);
  }
  return [...totals].sort(([a], [b]) => byCode(a, b)).map(([currency, t]) => ({ currency, ...t }));
}

/** True when the snapshot already holds this event (a copy the ledger carried twice). */
export function hasSeen(snapshot: MemberSnapshot, eventId: string): boolean {
  return snapshot.recentEventIds.includes(eventId);
}

/**
 * The member after one more event. An event already seen changes nothing. Events that do not
 * concern points, tiers or contact points only join the recent ids.
 */
export function evolveSnapshot(snapshot: MemberSnapshot, event: LedgerEvent): MemberSnapshot {
  if (hasSeen(snapshot, event.metadata.eventId)) return snapshot;
  const seen = { ...snapshot, recentEventIds: [...snapshot.recentEventIds, event.metadata.eventId].slice(-RECENT_EVENT_IDS_KEPT) };
  return applyEvent(seen, event);
}

function applyEvent(s: MemberSnapshot, event: LedgerEvent): MemberSnapshot {
  switch (event.type) {
    case 'MemberEnrolled':
      return { ...s, contact: { email: event.data.email, phone: event.data.phone, loyaltyCardNumber: event.data.loyaltyCardNumber } };
    case 'MemberProfileUpdated': {
      // Only the fields the update names change; the others keep their value.
      const changed = new Set(event.data.changed);
      const pick = <K extends keyof MemberContact>(k: K): MemberContact[K] => (changed.has(k) ? event.data[k] : s.contact[k]);
      return { ...s, contact: { email: pick('email'), phone: pick('phone'), loyaltyCardNumber: pick('loyaltyCardNumber') } };
    }
    case 'PointsEarned': {
      const { data } = event;
      if (s.buckets[data.bucketId] !== undefined) return s;
      const bucket = { currency: data.currency, remaining: data.points - data.debtRecovered, pending: data.pending, expired: false };
      return { ...s, buckets: { ...s.buckets, [data.bucketId]: bucket }, qualifyingPoints: s.qualifyingPoints + (data.pending ? 0 : data.points) };
    }
    case 'PointsActivated': {
      const bucket = s.buckets[event.data.bucketId];
      if (bucket === undefined || !bucket.pending) return s;
      return { ...s, buckets: { ...s.buckets, [event.data.bucketId]: { ...bucket, pending: false } }, qualifyingPoints: s.qualifyingPoints + event.data.points };
    }
    case 'PointsExpired': {
      const bucket = s.buckets[event.data.bucketId];
      if (bucket === undefined || bucket.expired) return s;
      const after = { ...bucket, remaining: bucket.remaining - event.data.points, expired: true };
      return { ...s, buckets: { ...s.buckets, [event.data.bucketId]: after }, qualifyingPoints: s.qualifyingPoints - event.data.points };
    }
    case 'PointsSpent':
      return { ...s, buckets: move(s.buckets, event.data.buckets, -1) };
    case 'RedemptionCancelled':
      return { ...s, buckets: move(s.buckets, event.data.buckets, 1) };
    case 'PointsReversed': {
      // Points taken from buckets still pending never counted towards the tier.
      const fromPending = event.data.buckets.filter((b) => s.buckets[b.bucketId]?.pending === true).reduce((sum, b) => sum + b.points, 0);
      return { ...s, buckets: move(s.buckets, event.data.buckets, -1), qualifyingPoints: s.qualifyingPoints - (event.data.points - fromPending) };
    }
    case 'PointsAdjusted':
      return { ...s, buckets: move(s.buckets, event.data.buckets, -1), qualifyingPoints: s.qualifyingPoints - event.data.points };
    case 'TierChanged':
      return { ...s, tier: event.data.to };
    case 'CustomTierAssigned':
      return s.customTiers.includes(event.data.tier) ? s : { ...s, customTiers: [...s.customTiers, event.data.tier].sort(byCode) };
    case 'CustomTierRevoked':
      return { ...s, customTiers: s.customTiers.filter((t) => t !== event.data.tier) };
    case 'PurchaseRecorded':
    case 'ReturnRecorded':
    case 'ActivityRecorded':
    case 'ReengagementOfferGranted':
    case 'PointsExpiringSoon':
    case 'TierDowngradeRisk':
      return s;
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
    }
  }
}

function move(buckets: Readonly<Record<string, SnapshotBucket>>, amounts: readonly BucketAmount[], sign: 1 | -1): Record<string, SnapshotBucket> {
  const next = { ...buckets };
  for (const { bucketId, points } of amounts) {
    const bucket = next[bucketId];
    if (bucket !== undefined) next[bucketId] = { ...bucket, remaining: bucket.remaining + sign * points };
  }
  return next;
}
