import { CONNECTOR_EVENT_TYPES } from '@loyalty/domain';
import { z } from 'zod';
import { LOYALTY_FIELD_PATTERN } from '../vendors/loyalty-field';
import { secretRefSchema, valueRefSchema } from './secret-ref';

const eventType = z.enum(CONNECTOR_EVENT_TYPES);
/** Remote attribute or property name → loyalty field (see `loyaltyField`). */
const fieldMapping = z.record(z.string().min(1).max(255), z.string().regex(LOYALTY_FIELD_PATTERN, 'a loyalty field, e.g. tier.name or balance.permanent.active'));

const delivery = {
  enabled: z.boolean().default(true),
  /** The public event types this destination receives. */
  events: z.array(eventType).min(1),
  /** Client-side budget: requests per second (the vendor's documented limit, less a margin). */
  rateLimitPerSecond: z.number().positive().max(100_000),
  /** Requests in flight at once, across partitions and members (each member's stay in order). */
  concurrency: z.number().int().min(1).max(256).default(8),
  batchSize: z.number().int().min(1),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** Backoff after a retryable failure: base and cap (full jitter in between), unless the vendor says when. */
  retry: z.object({ baseMs: z.number().int().min(1).default(250), maxMs: z.number().int().min(1).default(60_000) }).strict().default({ baseMs: 250, maxMs: 60_000 }),
  /** Which member field addresses the member at the vendor. */
  hardId: z.enum(['memberId', 'email', 'phone', 'loyaltyCardNumber']).default('memberId'),
  /** Remote attributes kept up to date on every delivered event. */
  attributes: fieldMapping.default({}),
  /** Properties of each forwarded event (`event_id` is always added). */
  eventProperties: fieldMapping.default({}),
  /** The vendor's event name per public type; the public type when absent. */
  eventNames: z.partialRecord(eventType, z.string().min(1).max(255)).default({}),
};

const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes (it names a consumer group and a topic)');
const tenantId = z.string().min(1);

export const bloomreachDestinationSchema = z
  .object({
    name,
    tenantId,
    type: z.literal('bloomreach'),
    baseUrl: valueRefSchema,
    projectToken: valueRefSchema,
    keyId: secretRefSchema,
    secret: secretRefSchema,
    /** Bloomreach's customer id kind the hard id goes to (registered in the seeds' example). */
    customerIdName: z.string().min(1).default('registered'),
    /** The tenant's code in events (tenant_code in the seeds' example); the tenant id when absent. */
    tenantCode: z.string().min(1).optional(),
    ...delivery,
    batchSize: delivery.batchSize.max(50).default(50),
  })
  .strict();

export const brazeDestinationSchema = z
  .object({
    name,
    tenantId,
    type: z.literal('braze'),
    baseUrl: valueRefSchema,
    apiKey: secretRefSchema,
    /** `external_id`, or `email` / `phone` (secondary identifiers) when the hard id is one of them. */
    identifier: z.enum(['external_id', 'email', 'phone']).default('external_id'),
    ...delivery,
    /** Objects per request: 75 in total across arrays (current Braze accounts). */
    batchSize: delivery.batchSize.max(225).default(75),
  })
  .strict();

export const voucherifyDestinationSchema = z
  .object({
    name,
    tenantId,
    type: z.literal('voucherify'),
    baseUrl: valueRefSchema,
    appId: secretRefSchema,
    appToken: secretRefSchema,
    ...delivery,
    batchSize: delivery.batchSize.max(1).default(1),
  })
  .strict();

export const webhookDestinationSchema = z
  .object({
    name,
    tenantId,
    type: z.literal('webhook'),
    url: valueRefSchema,
    /** The HMAC-SHA256 key the receiver verifies signatures with. */
    signingSecret: secretRefSchema,
    ...delivery,
    batchSize: delivery.batchSize.max(1).default(1),
  })
  .strict();

export const destinationSchema = z.discriminatedUnion('type', [bloomreachDestinationSchema, brazeDestinationSchema, voucherifyDestinationSchema, webhookDestinationSchema]);
export type DestinationConfig = z.infer<typeof destinationSchema>;
export type BloomreachDestination = z.infer<typeof bloomreachDestinationSchema>;
export type BrazeDestination = z.infer<typeof brazeDestinationSchema>;
export type VoucherifyDestination = z.infer<typeof voucherifyDestinationSchema>;
export type WebhookDestination = z.infer<typeof webhookDestinationSchema>;

export const destinationsFileSchema = z
  .object({ destinations: z.array(destinationSchema) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.destinations.forEach((d, i) => {
      if (seen.has(d.name)) ctx.addIssue({ code: 'custom', path: ['destinations', i, 'name'], message: `${d.name} is used twice` });
      seen.add(d.name);
    });
  });
export type DestinationsFile = z.infer<typeof destinationsFileSchema>;
