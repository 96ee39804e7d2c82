import { type ConnectorEvent, type MemberContact, type TierRef } from '@loyalty/domain';
import {
  type BloomreachDestination,
  type BrazeDestination,
  type VoucherifyDestination,
  type WebhookDestination,
  bloomreachDestinationSchema,
  brazeDestinationSchema,
  voucherifyDestinationSchema,
  webhookDestinationSchema,
} from '../destinations/destination-config';
import { type BloomreachCredentials } from '../vendors/bloomreach.adapter';
import { type BrazeCredentials } from '../vendors/braze.adapter';
import { type DeliveryItem } from '../vendors/vendor-adapter';
import { type VoucherifyCredentials } from '../vendors/voucherify.adapter';
import { type WebhookCredentials } from '../vendors/webhook.adapter';

/*
 * Fixtures for the vendor adapters' unit specs: public events, delivery items and destination
 * configs of tenant `demo`. Pure values and builders, no I/O (nothing from @loyalty/testing), so
 * the unit specs load nothing of Kafka or Postgres.
 */

/** A fixed moment for interpret/authorize (2026-01-01T00:00:00Z, a whole second). */
export const NOW = 1_767_225_600_000;

export const SILVER: TierRef = { id: 'silver', name: 'Silver' };
export const GOLD: TierRef = { id: 'gold', name: 'Gold' };

/** A member without any contact point. */
export const NO_CONTACT: MemberContact = { email: null, phone: null, loyaltyCardNumber: null };

type KindFields = Pick<ConnectorEvent, 'type' | 'points' | 'currency' | 'tier' | 'previousTier' | 'direction' | 'reason'>;

/** What makes an event an upgrade from Silver to Gold, earned (the seeds' tier event). */
export const TIER_UP: KindFields = { type: 'tier_changed', points: null, currency: null, tier: GOLD, previousTier: SILVER, direction: 'up', reason: 'earned' };

/**
 * A public event of member `m-1` of tenant `demo`: a Silver member earned 120 permanent points at
 * 10:00:00.500 (milliseconds, so a seconds field must be fractional); `overrides` replace fields.
 */
export function connectorEvent(eventId: string, overrides: Partial<ConnectorEvent> = {}): ConnectorEvent {
  return {
    eventId,
    type: 'points_earned',
    tenantId: 'demo',
    memberId: 'm-1',
    occurredAt: '2026-11-22T10:00:00.500Z',
    recordedAt: '2026-11-22T10:00:01.000Z',
    programVersion: 'v1',
    points: 120,
    currency: 'permanent',
    tier: SILVER,
    previousTier: null,
    direction: null,
    reason: null,
    qualifyingPoints: 900,
    balances: [{ currency: 'permanent', active: 700, pending: 120 }],
    customTiers: [],
    expiresAt: null,
    deadline: null,
    pointsNeeded: null,
    ...overrides,
  };
}

/** `connectorEvent` as an upgrade from Silver to Gold (`TIER_UP`); `overrides` replace fields. */
export function tierUpEvent(eventId: string, overrides: Partial<ConnectorEvent> = {}): ConnectorEvent {
  return connectorEvent(eventId, { ...TIER_UP, ...overrides });
}

/** The event as the adapter gets it: for `hardId`, without contact points unless given, delivery id `d-<event id>` unless given. */
export function deliveryItem(event: ConnectorEvent, hardId = 'm-1', options: { contact?: MemberContact; deliveryId?: string } = {}): DeliveryItem {
  return { event, contact: options.contact ?? NO_CONTACT, hardId, deliveryId: options.deliveryId ?? `d-${event.eventId}` };
}

/** Attributes mapped to the tier's name and the permanent active balance. */
export const WITH_ATTRIBUTES = { attributes: { loyalty_tier: 'tier.name', loyalty_points: 'balance.permanent.active' } };

type Overrides = Readonly<Record<string, unknown>>;

/** The fields every demo destination shares: its name, tenant and the events it forwards. */
const demo = (type: string, events: readonly string[] = ['tier_changed', 'points_earned']) => ({ name: `demo-${type}`, tenantId: 'demo', type, events });

export const bloomreachCredentials: BloomreachCredentials = { baseUrl: 'https://api.exponea.test/', projectToken: 'proj-token-1', keyId: 'key-id-1', secret: 's3cret-value' };
export const brazeCredentials: BrazeCredentials = { baseUrl: 'https://rest.fra-02.braze.test//', apiKey: 'braze-key-1' };
export const voucherifyCredentials: VoucherifyCredentials = { baseUrl: 'https://api.voucherify.test/', appId: 'app-id-1', appToken: 'app-token-1' };
export const webhookCredentials: WebhookCredentials = { url: 'https://hooks.example.test/loyalty', signingSecret: 'whsec_test_1' };

/** A Bloomreach destination of `demo` at `bloomreachCredentials`' URL and project, secrets by variable. */
export function bloomreachConfig(overrides: Overrides = {}): BloomreachDestination {
  const { baseUrl, projectToken } = bloomreachCredentials;
  return bloomreachDestinationSchema.parse({ ...demo('bloomreach'), baseUrl, projectToken, keyId: { env: 'BLOOMREACH_KEY_ID' }, secret: { env: 'BLOOMREACH_SECRET' }, rateLimitPerSecond: 90, ...overrides });
}

/** A Braze destination of `demo` at `brazeCredentials`' URL, the key by variable. */
export function brazeConfig(overrides: Overrides = {}): BrazeDestination {
  return brazeDestinationSchema.parse({ ...demo('braze'), baseUrl: brazeCredentials.baseUrl, apiKey: { env: 'BRAZE_API_KEY' }, rateLimitPerSecond: 900, ...overrides });
}

/** A Voucherify destination of `demo` (tier changes and downgrade risks) at `voucherifyCredentials`' URL, the app id and token by variable. */
export function voucherifyConfig(overrides: Overrides = {}): VoucherifyDestination {
  const fields = { baseUrl: voucherifyCredentials.baseUrl, appId: { env: 'VOUCHERIFY_APP_ID' }, appToken: { env: 'VOUCHERIFY_APP_TOKEN' }, rateLimitPerSecond: 30 };
  return voucherifyDestinationSchema.parse({ ...demo('voucherify', ['tier_changed', 'tier_downgrade_risk']), ...fields, ...overrides });
}

/** A webhook destination of `demo` to `webhookCredentials`' URL, the signing secret by variable. */
export function webhookConfig(overrides: Overrides = {}): WebhookDestination {
  return webhookDestinationSchema.parse({ ...demo('webhook'), url: webhookCredentials.url, signingSecret: { env: 'CONNECTOR_WEBHOOK_SECRET' }, rateLimitPerSecond: 200, ...overrides });
}
