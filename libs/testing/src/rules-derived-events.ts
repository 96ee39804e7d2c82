import { type LedgerEvent } from '@loyalty/domain';

/** What the rules service derives from the log: its own events, and those ingestion decides on its commands. */
export const RULES_DERIVED_TYPES = ['TierChanged', 'PointsActivated', 'PointsExpired', 'PointsExpiringSoon', 'TierDowngradeRisk', 'ReengagementOfferGranted'] as const;
export type RulesDerivedType = (typeof RULES_DERIVED_TYPES)[number];

export function isRulesDerived(event: LedgerEvent): boolean {
  return (RULES_DERIVED_TYPES as readonly string[]).includes(event.type);
}

/**
 * What a rules-derived event says, without when it was recorded or the ids that depend on it: two
 * runs of the same workload derive the same keys. A tier change is named by its move and reason
 * (its time is the time of the event that caused it, which a different batching may pick).
 *
 * @example
 * rulesEventKey(expired); // 'PointsExpired acme|m7 bucket=… points=40 expiredAt=2031-04-02T22:00:00.000Z'
 */
export function rulesEventKey(event: LedgerEvent): string {
  const who = `${event.metadata.tenantId}|${event.metadata.memberId}`;
  switch (event.type) {
    case 'TierChanged':
      return `${event.type} ${who} ${event.data.from ?? '-'}>${event.data.to} ${event.data.direction} ${event.data.reason}`;
    case 'PointsActivated':
      return `${event.type} ${who} bucket=${event.data.bucketId} points=${event.data.points} activatedAt=${event.data.activatedAt}`;
    case 'PointsExpired':
      return `${event.type} ${who} bucket=${event.data.bucketId} points=${event.data.points} expiredAt=${event.data.expiredAt}`;
    case 'PointsExpiringSoon':
      return `${event.type} ${who} bucket=${event.data.bucketId} points=${event.data.points} expiresAt=${event.data.expiresAt} warnedAt=${event.metadata.occurredAt}`;
    case 'TierDowngradeRisk': {
      const d = event.data;
      return `${event.type} ${who} ${d.reason} ${d.tier}>${d.downgradeTo} deadline=${d.deadline} needed=${d.pointsNeeded} qualifying=${d.qualifyingPoints} expiring=${d.expiringPoints} at=${event.metadata.occurredAt}`;
    }
    case 'ReengagementOfferGranted':
      return `${event.type} ${who} ${event.data.activityType} +${event.data.bonusPoints} ${event.data.validFrom}..${event.data.validUntil}`;
    default:
      return `${event.type} ${who} ${event.metadata.eventId}`;
  }
}

/** Event ids that appear more than once with different content (type, data or envelope). */
export function conflictingIds(events: readonly LedgerEvent[]): { eventId: string; versions: string[] }[] {
  const seen = new Map<string, Set<string>>();
  for (const e of events) {
    const id = `${e.metadata.tenantId}|${e.metadata.eventId}`;
    seen.set(id, (seen.get(id) ?? new Set()).add(JSON.stringify(e)));
  }
  return [...seen].filter(([, versions]) => versions.size > 1).map(([eventId, versions]) => ({ eventId, versions: [...versions] }));
}

/** The events with each (tenant, event id) once: the first appearance, in log order. */
export function firstOfEachId(events: readonly LedgerEvent[]): LedgerEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const id = `${e.metadata.tenantId}|${e.metadata.eventId}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Keys one multiset has more often than the other, with the counts on each side. */
export function multisetDifference(left: readonly string[], right: readonly string[]): { key: string; left: number; right: number }[] {
  const counts = new Map<string, { left: number; right: number }>();
  for (const k of left) counts.set(k, { left: (counts.get(k)?.left ?? 0) + 1, right: counts.get(k)?.right ?? 0 });
  for (const k of right) counts.set(k, { left: counts.get(k)?.left ?? 0, right: (counts.get(k)?.right ?? 0) + 1 });
  return [...counts]
    .filter(([, c]) => c.left !== c.right)
    .map(([key, c]) => ({ key, ...c }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

/**
 * Every PointsExpired whose points differ from what its bucket held then, folding the ledger's
 * (deduplicated) point movements in log order: an expiry takes exactly what is left, never more.
 */
export function expiriesNotMatchingRemaining(events: readonly LedgerEvent[]): { bucketId: string; expired: number; remaining: number }[] {
  const remaining = new Map<string, number>();
  const key = (e: LedgerEvent, bucketId: string) => `${e.metadata.tenantId}|${bucketId}`;
  const move = (e: LedgerEvent, buckets: readonly { bucketId: string; points: number }[], sign: 1 | -1) => {
    for (const b of buckets) remaining.set(key(e, b.bucketId), (remaining.get(key(e, b.bucketId)) ?? 0) + sign * b.points);
  };
  const wrong: { bucketId: string; expired: number; remaining: number }[] = [];
  for (const e of firstOfEachId(events)) {
    if (e.type === 'PointsEarned') remaining.set(key(e, e.data.bucketId), e.data.points - e.data.debtRecovered);
    else if (e.type === 'PointsSpent' || e.type === 'PointsReversed' || e.type === 'PointsAdjusted') move(e, e.data.buckets, -1);
    else if (e.type === 'RedemptionCancelled') move(e, e.data.buckets, 1);
    else if (e.type === 'PointsExpired') {
      const left = remaining.get(key(e, e.data.bucketId)) ?? 0;
      if (e.data.points !== left) wrong.push({ bucketId: e.data.bucketId, expired: e.data.points, remaining: left });
      remaining.set(key(e, e.data.bucketId), left - e.data.points);
    }
  }
  return wrong;
}

/**
 * Places where a member's tier history does not hold together: each TierChanged (deduplicated, in
 * log order) must start from the tier the previous one reached (the first from none). A break means
 * a tier change was lost, or decided on a state that had gone back to an older tier.
 */
export function tierChainBreaks(events: readonly LedgerEvent[]): { member: string; eventId: string; from: string | null; expected: string | null }[] {
  const held = new Map<string, string | null>();
  const breaks: { member: string; eventId: string; from: string | null; expected: string | null }[] = [];
  for (const e of firstOfEachId(events)) {
    if (e.type !== 'TierChanged') continue;
    const member = `${e.metadata.tenantId}|${e.metadata.memberId}`;
    const expected = held.get(member) ?? null;
    if (e.data.from !== expected) breaks.push({ member, eventId: e.metadata.eventId, from: e.data.from, expected });
    held.set(member, e.data.to);
  }
  return breaks;
}
