import { type BucketAmount } from '../events/generated/ledger-event.types';
import { type LedgerEvent } from '../events/ledger-event';
import { CUSTOM_TIERS, type CustomTier } from '../program/program-config';
import { type BucketState, type MemberState, type TransactionState } from './member-state';

const isCustomTier = (tier: string): tier is CustomTier => (CUSTOM_TIERS as readonly string[]).includes(tier);

function moveBuckets(buckets: MemberState['buckets'], amounts: readonly BucketAmount[], sign: 1 | -1): MemberState['buckets'] {
  const next: Record<string, BucketState> = { ...buckets };
  for (const { bucketId, points } of amounts) {
    const bucket = next[bucketId];
    // A bucket the write side never saw (not possible for events it decided) is left alone.
    if (bucket !== undefined) next[bucketId] = { ...bucket, remaining: bucket.remaining + sign * points };
  }
  return next;
}

/**
 * The member's state after one event. Pure and total: replaying a member's events from the log
 * rebuilds exactly the state the decisions were made on.
 */
export function evolveMember(state: MemberState, event: LedgerEvent): MemberState {
  switch (event.type) {
    case 'MemberEnrolled':
      return { ...state, enrolled: true };
    case 'MemberProfileUpdated':
      return state;
    case 'CustomTierAssigned':
      return isCustomTier(event.data.tier) && !state.customTiers.includes(event.data.tier)
        ? { ...state, customTiers: [...state.customTiers, event.data.tier].sort() }
        : state;
    case 'CustomTierRevoked':
      return { ...state, customTiers: state.customTiers.filter((t) => t !== event.data.tier) };
    case 'PurchaseRecorded': {
      const { data } = event;
      const lines = Object.fromEntries(
        data.lines.map((l) => [l.lineId, { category: l.category, quantity: l.quantity, amountMinor: l.amountMinor, points: 0, returnedQuantity: 0, returnedAmountMinor: 0, reversedPoints: 0 }]),
      );
      return { ...state, transactions: { ...state.transactions, [data.transactionId]: { transactionId: data.transactionId, bucketId: null, lines } } };
    }
    case 'PointsEarned': {
      const { data } = event;
      const bucket: BucketState = {
        bucketId: data.bucketId,
        currency: data.currency,
        amount: data.points,
        remaining: data.points - data.debtRecovered,
        pending: data.pending,
        earnedAt: data.earnedAt,
        activeFrom: data.activeFrom,
        expiresAt: data.expiresAt,
        owed: 0,
        expired: false,
      };
      let next: MemberState = { ...state, buckets: { ...state.buckets, [data.bucketId]: bucket }, debt: state.debt - data.debtRecovered };
      const transaction = state.transactions[data.source.sourceId];
      if (data.source.kind === 'PURCHASE' && transaction !== undefined) {
        const lines = { ...transaction.lines };
        for (const l of data.source.lines) {
          const line = lines[l.lineId];
          if (line !== undefined) lines[l.lineId] = { ...line, points: l.points };
        }
        next = { ...next, transactions: { ...next.transactions, [transaction.transactionId]: { ...transaction, bucketId: data.bucketId, lines } } };
      }
      const offer = state.offers[data.source.sourceId];
      if (data.source.kind === 'REENGAGEMENT' && offer !== undefined) {
        next = { ...next, offers: { ...next.offers, [data.source.sourceId]: { ...offer, used: true } } };
      }
      return next;
    }
    case 'ReturnRecorded': {
      const transaction = state.transactions[event.data.transactionId];
      if (transaction === undefined) return state;
      const lines = { ...transaction.lines };
      for (const r of event.data.lines) {
        const line = lines[r.lineId];
        if (line !== undefined) {
          lines[r.lineId] = { ...line, returnedQuantity: line.returnedQuantity + (r.quantity ?? 0), returnedAmountMinor: line.returnedAmountMinor + r.amountMinor };
        }
      }
      return { ...state, transactions: { ...state.transactions, [transaction.transactionId]: { ...transaction, lines } } };
    }
    case 'PointsReversed': {
      const { data } = event;
      const transaction = state.transactions[data.transactionId];
      let transactions = state.transactions;
      if (transaction !== undefined) {
        const lines = { ...transaction.lines };
        for (const l of data.lines) {
          const line = lines[l.lineId];
          if (line !== undefined) lines[l.lineId] = { ...line, reversedPoints: line.reversedPoints + l.points };
        }
        transactions = { ...transactions, [transaction.transactionId]: { ...transaction, lines } as TransactionState };
      }
      let buckets = moveBuckets(state.buckets, data.buckets, -1);
      const own = transaction?.bucketId === null || transaction === undefined ? undefined : buckets[transaction.bucketId];
      if (own !== undefined && data.writtenOff > 0) buckets = { ...buckets, [own.bucketId]: { ...own, owed: own.owed + data.writtenOff } };
      return { ...state, transactions, buckets, debt: state.debt + data.debt };
    }
    case 'ActivityRecorded': {
      if (event.data.limited) return state;
      const key = `${event.data.activityType}|${event.data.periodKey}`;
      return { ...state, activityCounts: { ...state.activityCounts, [key]: (state.activityCounts[key] ?? 0) + 1 } };
    }
    case 'PointsSpent': {
      const { data } = event;
      return {
        ...state,
        buckets: moveBuckets(state.buckets, data.buckets, -1),
        redemptions: { ...state.redemptions, [data.redemptionId]: { points: data.points, buckets: data.buckets, cancelled: false } },
      };
    }
    case 'RedemptionCancelled': {
      const { data } = event;
      const redemption = state.redemptions[data.redemptionId];
      // What the redemption took but the cancellation did not give back repaid the bucket's `owed`.
      let buckets = moveBuckets(state.buckets, data.buckets, 1);
      for (const taken of redemption?.buckets ?? []) {
        const restored = data.buckets.filter((b) => b.bucketId === taken.bucketId).reduce((s, b) => s + b.points, 0);
        const bucket = buckets[taken.bucketId];
        if (bucket !== undefined && taken.points > restored) buckets = { ...buckets, [bucket.bucketId]: { ...bucket, owed: Math.max(0, bucket.owed - (taken.points - restored)) } };
      }
      return {
        ...state,
        buckets,
        redemptions: redemption === undefined ? state.redemptions : { ...state.redemptions, [data.redemptionId]: { ...redemption, cancelled: true } },
      };
    }
    case 'PointsAdjusted':
      return { ...state, buckets: moveBuckets(state.buckets, event.data.buckets, -1) };
    case 'ReengagementOfferGranted': {
      const { data } = event;
      return {
        ...state,
        offers: {
          ...state.offers,
          [data.offerId]: { activityType: data.activityType, bonusPoints: data.bonusPoints, validFrom: data.validFrom, validUntil: data.validUntil, used: false },
        },
      };
    }
    case 'PointsActivated': {
      const bucket = state.buckets[event.data.bucketId];
      return bucket === undefined ? state : { ...state, buckets: { ...state.buckets, [bucket.bucketId]: { ...bucket, pending: false } } };
    }
    case 'PointsExpired': {
      const buckets = moveBuckets(state.buckets, [{ bucketId: event.data.bucketId, points: event.data.points }], -1);
      const bucket = buckets[event.data.bucketId];
      return bucket === undefined ? state : { ...state, buckets: { ...buckets, [bucket.bucketId]: { ...bucket, expired: true } } };
    }
    // Tiers and warnings are the rules service's; nothing the write side decides depends on them.
    case 'TierChanged':
    case 'PointsExpiringSoon':
    case 'TierDowngradeRisk':
      return state;
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Folds a member's events, oldest first. */
export function foldMember(initial: MemberState, events: readonly LedgerEvent[]): MemberState {
  return events.reduce(evolveMember, initial);
}
