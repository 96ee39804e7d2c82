import { type LedgerEvent } from '../events/ledger-event';
import { type ConnectorEvent, type ConnectorEventType, type TierRef } from './connector-event';
import { type MemberSnapshot, snapshotBalances } from './member-snapshot';

/** Tier ids to names, from the program version in force when the event happened. */
export type TierNames = (tierId: string) => string;

type Specific = Pick<ConnectorEvent, 'type'> & Partial<Omit<ConnectorEvent, 'type'>>;

/**
 * The public event for one ledger event, with `after` (the member once the event is applied), or
 * null for events that stay internal (purchases, returns and activities are told through the
 * points they earn or take back; profile updates carry personal data).
 *
 * @example
 * const after = evolveSnapshot(before, event);
 * const published = toConnectorEvent(event, after, (id) => program.tiers.levels.find((l) => l.id === id)?.name ?? id);
 */
export function toConnectorEvent(event: LedgerEvent, after: MemberSnapshot, tierNames: TierNames): ConnectorEvent | null {
  const specific = specificFields(event, tierNames);
  if (specific === null) return null;
  const { metadata } = event;
  return {
    eventId: metadata.eventId,
    tenantId: metadata.tenantId,
    memberId: metadata.memberId,
    occurredAt: metadata.occurredAt,
    recordedAt: metadata.recordedAt,
    programVersion: metadata.programVersion,
    points: null,
    currency: null,
    tier: after.tier === null ? null : ref(after.tier, tierNames),
    previousTier: null,
    direction: null,
    reason: null,
    qualifyingPoints: after.qualifyingPoints,
    balances: snapshotBalances(after),
    customTiers: after.customTiers,
    expiresAt: null,
    deadline: null,
    pointsNeeded: null,
    ...specific,
  };
}

const ref = (id: string, names: TierNames): TierRef => ({ id, name: names(id) });

function specificFields(event: LedgerEvent, names: TierNames): Specific | null {
  const moved = (type: ConnectorEventType, points: number, currency: string | null = null): Specific => ({ type, points, currency });
  switch (event.type) {
    case 'MemberEnrolled':
      return { type: 'member_enrolled' };
    case 'PointsEarned':
      return { ...moved('points_earned', event.data.points, event.data.currency), expiresAt: event.data.expiresAt };
    case 'PointsSpent':
      return moved('points_spent', event.data.points);
    case 'RedemptionCancelled':
      return moved('redemption_cancelled', event.data.points);
    case 'PointsReversed':
      return moved('points_returned', event.data.points);
    case 'PointsAdjusted':
      return { ...moved('points_adjusted', event.data.points), reason: event.data.reason };
    case 'PointsActivated':
      return moved('points_activated', event.data.points, event.data.currency);
    case 'PointsExpired':
      return { ...moved('points_expired', event.data.points, event.data.currency), expiresAt: event.data.expiresAt };
    case 'PointsExpiringSoon':
      return { ...moved('points_expiring_soon', event.data.points, event.data.currency), expiresAt: event.data.expiresAt };
    case 'TierChanged':
      return {
        type: 'tier_changed',
        tier: ref(event.data.to, names),
        previousTier: event.data.from === null ? null : ref(event.data.from, names),
        direction: event.data.direction === 'UP' ? 'up' : 'down',
        reason: event.data.reason.toLowerCase(),
      };
    case 'TierDowngradeRisk':
      return {
        type: 'tier_downgrade_risk',
        tier: ref(event.data.tier, names),
        previousTier: ref(event.data.downgradeTo, names),
        reason: event.data.reason.toLowerCase(),
        points: event.data.expiringPoints,
        pointsNeeded: event.data.pointsNeeded,
        deadline: event.data.deadline,
      };
    case 'ReengagementOfferGranted':
      return { ...moved('reengagement_offer_granted', event.data.bonusPoints), deadline: event.data.validUntil };
    case 'CustomTierAssigned':
      return { type: 'custom_tier_assigned', reason: event.data.tier };
    case 'CustomTierRevoked':
      return { type: 'custom_tier_revoked', reason: event.data.tier };
    case 'PurchaseRecorded':
    case 'ReturnRecorded':
    case 'ActivityRecorded':
    case 'MemberProfileUpdated':
      return null;
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
    }
  }
}
