import { type BucketAmount } from '../events/generated/ledger-event.types';
import { type LedgerEvent } from '../events/ledger-event';
import { type RulesBucket, type RulesMember, type RulesView } from './rules-state';

function withQualifying(member: RulesMember, delta: number, drop: RulesMember['lastDrop']): RulesMember {
  const qualifying = member.qualifying + delta;
  // Earning back to the threshold ends a grace period; the tier is kept.
  const grace = member.grace !== null && qualifying >= member.grace.threshold ? null : member.grace;
  return { ...member, qualifying, grace, lastDrop: delta < 0 ? drop : member.lastDrop };
}

function move(buckets: RulesView['buckets'], amounts: readonly BucketAmount[], sign: 1 | -1): RulesView['buckets'] {
  let next = buckets;
  for (const { bucketId, points } of amounts) {
    const bucket = next[bucketId];
    // Untracked buckets (active and never expiring) are not followed: nothing about them is due.
    if (bucket !== undefined) next = { ...next, [bucketId]: { ...bucket, remaining: bucket.remaining + sign * points } };
  }
  return next;
}

/**
 * The rules state after one event: pure, so the state tables can be rebuilt from the log and come
 * out identical. Callers apply each event once (the adapter deduplicates by event id); the rules
 * service's own events fold idempotently anyway, because its outbox may publish one twice.
 */
export function evolveRules(view: RulesView, event: LedgerEvent): RulesView {
  const { member, buckets } = view;
  switch (event.type) {
    case 'CustomTierAssigned':
      return member.customTiers.includes(event.data.tier) ? view : { ...view, member: { ...member, customTiers: [...member.customTiers, event.data.tier].sort() } };
    case 'CustomTierRevoked':
      return { ...view, member: { ...member, customTiers: member.customTiers.filter((t) => t !== event.data.tier) } };
    case 'PointsEarned': {
      const { data } = event;
      if (buckets[data.bucketId] !== undefined) return view;
      const next = data.pending ? member : withQualifying(member, data.points, null);
      if (!data.pending && data.expiresAt === null) return { ...view, member: next };
      const bucket: RulesBucket = {
        bucketId: data.bucketId,
        currency: data.currency,
        remaining: data.points - data.debtRecovered,
        pending: data.pending,
        activeFrom: data.activeFrom,
        expiresAt: data.expiresAt,
        expired: false,
        warned: false,
      };
      return { member: next, buckets: { ...buckets, [data.bucketId]: bucket } };
    }
    case 'PointsActivated': {
      const bucket = buckets[event.data.bucketId];
      if (bucket === undefined || !bucket.pending) return view;
      return { member: withQualifying(member, event.data.points, null), buckets: { ...buckets, [bucket.bucketId]: { ...bucket, pending: false } } };
    }
    case 'PointsExpired': {
      const bucket = buckets[event.data.bucketId];
      if (bucket === undefined || bucket.expired) return view;
      return {
        member: withQualifying(member, -event.data.points, 'EXPIRED'),
        buckets: { ...buckets, [bucket.bucketId]: { ...bucket, expired: true, remaining: bucket.remaining - event.data.points } },
      };
    }
    case 'PointsSpent':
      return { ...view, buckets: move(buckets, event.data.buckets, -1) };
    case 'RedemptionCancelled':
      return { ...view, buckets: move(buckets, event.data.buckets, 1) };
    case 'PointsReversed': {
      // Cancelled pending points never counted; everything else reversed did (spent ones included).
      const pendingTaken = event.data.buckets.filter((b) => buckets[b.bucketId]?.pending === true).reduce((s, b) => s + b.points, 0);
      return { member: withQualifying(member, -(event.data.points - pendingTaken), 'REVERSED'), buckets: move(buckets, event.data.buckets, -1) };
    }
    case 'PointsAdjusted':
      return { member: withQualifying(member, -event.data.points, 'MANUAL'), buckets: move(buckets, event.data.buckets, -1) };
    case 'TierChanged':
      // The service folds its decisions as it makes them: one coming back from the log is
      // already in the state, whatever was decided since (a tier may even have gone back to
      // where this one started).
      if (member.awaitingTierChanges.includes(event.metadata.eventId)) {
        return { ...view, member: { ...member, awaitingTierChanges: member.awaitingTierChanges.filter((id) => id !== event.metadata.eventId) } };
      }
      // Otherwise a change applies to the tier it starts from: a copy published again after a
      // relay crash, behind later changes, changes nothing.
      if (event.data.from !== member.tier) return view;
      return {
        ...view,
        member: {
          ...member,
          tier: event.data.to,
          tierChangedAt: event.data.changedAt,
          grace: null,
          riskAnnounced: null,
          offerDueFor: event.data.direction === 'DOWN' && event.data.reason === 'EXPIRED' ? event.metadata.eventId : member.offerDueFor,
        },
      };
    case 'PointsExpiringSoon': {
      const bucket = buckets[event.data.bucketId];
      return bucket === undefined ? view : { ...view, buckets: { ...buckets, [bucket.bucketId]: { ...bucket, warned: true } } };
    }
    case 'TierDowngradeRisk': {
      const { data } = event;
      // A risk to a tier the member no longer holds is past (see TierChanged).
      if (data.tier !== member.tier) return view;
      const cause = (['EXPIRED', 'REVERSED', 'MANUAL', 'CONFIG_CHANGE'] as const).find((c) => c === data.cause) ?? member.lastDrop ?? 'CONFIG_CHANGE';
      const grace = data.reason === 'GRACE_PERIOD' ? { tier: data.tier, threshold: data.qualifyingPoints + data.pointsNeeded, until: data.deadline, cause } : member.grace;
      return { ...view, member: { ...member, riskAnnounced: `${data.tier}|${data.deadline}`, grace } };
    }
    case 'ReengagementOfferGranted':
      return { ...view, member: { ...member, offerDueFor: null } };
    case 'MemberEnrolled':
    case 'MemberProfileUpdated':
    case 'PurchaseRecorded':
    case 'ReturnRecorded':
    case 'ActivityRecorded':
      return view;
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * Folds an event the service has just decided: as the log will say, and remembered, so that its
 * copy coming back from the log changes nothing (see RulesMember.awaitingTierChanges).
 */
export function foldDecided(view: RulesView, event: LedgerEvent): RulesView {
  const next = evolveRules(view, event);
  if (event.type !== 'TierChanged' || next === view) return next;
  return { ...next, member: { ...next.member, awaitingTierChanges: [...next.member.awaitingTierChanges, event.metadata.eventId] } };
}

/** Whether folding the event twice would count it twice: such events are deduplicated by id. */
export function needsDeduplication(event: LedgerEvent): boolean {
  switch (event.type) {
    case 'PointsEarned':
    case 'PointsSpent':
    case 'RedemptionCancelled':
    case 'PointsReversed':
    case 'PointsAdjusted':
      return true;
    default:
      return false;
  }
}
