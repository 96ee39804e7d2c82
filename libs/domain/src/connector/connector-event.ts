/**
 * The public loyalty event of `loyalty.connector.events.v1` (schemas/avro/connector-event.avsc):
 * one ledger event as subscribers see it, with the member's standing after it. Personal data is
 * the member id only; contact points stay inside the connector.
 */
export interface ConnectorEvent {
  readonly eventId: string;
  readonly type: ConnectorEventType;
  readonly tenantId: string;
  readonly memberId: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly programVersion: string | null;
  readonly points: number | null;
  readonly currency: string | null;
  readonly tier: TierRef | null;
  readonly previousTier: TierRef | null;
  readonly direction: 'up' | 'down' | null;
  readonly reason: string | null;
  readonly qualifyingPoints: number;
  readonly balances: readonly PointBalance[];
  readonly customTiers: readonly string[];
  readonly expiresAt: string | null;
  readonly deadline: string | null;
  readonly pointsNeeded: number | null;
}

export interface TierRef {
  readonly id: string;
  readonly name: string;
}

export interface PointBalance {
  readonly currency: string;
  readonly active: number;
  readonly pending: number;
}

/** The public vocabulary, in snake case like the marketing tools'. */
export const CONNECTOR_EVENT_TYPES = [
  'member_enrolled',
  'points_earned',
  'points_spent',
  'redemption_cancelled',
  'points_returned',
  'points_adjusted',
  'points_activated',
  'points_expired',
  'points_expiring_soon',
  'tier_changed',
  'tier_downgrade_risk',
  'reengagement_offer_granted',
  'custom_tier_assigned',
  'custom_tier_revoked',
] as const;

export type ConnectorEventType = (typeof CONNECTOR_EVENT_TYPES)[number];

export function isConnectorEventType(value: string): value is ConnectorEventType {
  return (CONNECTOR_EVENT_TYPES as readonly string[]).includes(value);
}
