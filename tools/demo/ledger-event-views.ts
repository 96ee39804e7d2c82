// Ledger events as the demo prints them: one line each, with what a reader needs to follow the
// tier story (points, buckets, tiers, dates).
import { type LedgerEvent } from '@loyalty/domain';
import { type PlacedEvent } from './member-ledger';
import { shortId, table, toSecond } from './member-views';

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));

/** The payload of the events the tier story shows, in a few words; other types by name only. */
export function eventSummary(event: LedgerEvent): string {
  switch (event.type) {
    case 'MemberEnrolled':
      return `enrolled ${toSecond(event.data.enrolledAt)}`;
    case 'ActivityRecorded':
      return `${event.data.activityType} ${event.data.activityId}${event.data.limited ? ' (over its limit: no points)' : ''}`;
    case 'PurchaseRecorded':
      return `${event.data.transactionId}: ${event.data.lines.length} line(s), ${event.data.totalMinor} minor units of ${event.data.moneyCurrency}`;
    case 'PointsEarned': {
      const expires = event.data.expiresAt === null ? 'never expire' : `expire ${toSecond(event.data.expiresAt)}`;
      return `${signed(event.data.points)} ${event.data.currency} (${event.data.source.kind}) in bucket ${shortId(event.data.bucketId)}, ${expires}`;
    }
    case 'PointsExpiringSoon':
      return `${event.data.points} ${event.data.currency} of bucket ${shortId(event.data.bucketId)} expire ${toSecond(event.data.expiresAt)}`;
    case 'PointsExpired':
      return `${signed(-event.data.points)} ${event.data.currency} of bucket ${shortId(event.data.bucketId)} (due ${toSecond(event.data.expiresAt)})`;
    case 'TierChanged':
      return `${event.data.from ?? '(none)'} -> ${event.data.to} (${event.data.direction}, ${event.data.reason}) at ${event.data.qualifyingPoints} qualifying points`;
    case 'TierDowngradeRisk': {
      const d = event.data;
      return `${d.tier} -> ${d.downgradeTo} unless ${d.pointsNeeded} more qualifying points by ${toSecond(d.deadline)} (${d.reason}: ${d.qualifyingPoints} qualifying, ${d.expiringPoints} expiring)`;
    }
    case 'ReengagementOfferGranted':
      return `${event.data.activityType} earns +${event.data.bonusPoints} from ${toSecond(event.data.validFrom)} until ${toSecond(event.data.validUntil)} (offer ${shortId(event.data.offerId)})`;
    default:
      return '';
  }
}

/** The events as a table: log offset, when the ledger recorded them (the stack's clock), type, payload. */
export function eventsTable(events: readonly PlacedEvent[]): string[] {
  return table(
    [
      { header: 'offset', right: true, cell: (e: PlacedEvent) => e.offset },
      { header: 'recorded', cell: (e) => toSecond(e.event.metadata.recordedAt) },
      { header: 'type', cell: (e) => e.event.type },
      { header: 'what', cell: (e) => eventSummary(e.event) },
    ],
    events,
  );
}
