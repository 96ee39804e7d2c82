import { z } from 'zod';
import { externalId, isoDateTime, moneyMinor, slug } from '../requests/common.request';

export const purchaseLineSchema = z.strictObject({
  lineId: externalId,
  sku: z.string().min(1).max(64),
  category: slug,
  quantity: z.number().int().min(1).max(100_000),
  unitPriceMinor: moneyMinor,
  discountMinor: moneyMinor.default(0),
});

/** `POST /v1/purchases`: one purchase, money in integer minor units, time in ISO-8601. */
export const recordPurchaseRequestSchema = z
  .strictObject({
    tenantId: externalId,
    transactionId: externalId,
    memberId: externalId,
    occurredAt: isoDateTime,
    channel: z.enum(['web', 'app', 'pos', 'marketplace', 'other']),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
    lines: z.array(purchaseLineSchema).min(1).max(500),
  })
  .refine((p) => new Set(p.lines.map((l) => l.lineId)).size === p.lines.length, { path: ['lines'], message: 'line ids must be unique within a purchase' })
  .refine((p) => p.lines.every((l) => l.quantity * l.unitPriceMinor <= 10_000_000_000), { path: ['lines'], message: 'a line may not exceed 10^10 minor units' });

export type RecordPurchaseRequest = z.infer<typeof recordPurchaseRequestSchema>;

/** `POST /v1/purchases/batch`: up to 500 purchases, each answered on its own. */
export const recordPurchaseBatchRequestSchema = z.strictObject({ purchases: z.array(z.unknown()).min(1).max(500) });
