import { z } from 'zod';
import { MAX_LINE_AMOUNT_MINOR } from '@loyalty/domain';

/** Ids are opaque to us but never free text: no separators, control characters or huge strings. */
export const externalId = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:@-]+$/, 'may hold letters, digits and . _ : @ -');

export const purchaseLineSchema = z.strictObject({
  lineId: externalId,
  category: z.string().min(1).max(64).regex(/^[a-z0-9-]+$/, 'must be a lower-case slug'),
  amountMinor: z.number().int('must be an integer amount in minor units').min(0).max(MAX_LINE_AMOUNT_MINOR),
});

/** `POST /v1/purchases`: one purchase, money in integer minor units, time in ISO-8601. */
export const recordPurchaseRequestSchema = z
  .strictObject({
    tenantId: externalId,
    transactionId: externalId,
    memberId: externalId,
    occurredAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time with an offset, e.g. 2026-11-22T10:00:00Z' }),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
    lines: z.array(purchaseLineSchema).min(1).max(500),
  })
  .refine((p) => new Set(p.lines.map((l) => l.lineId)).size === p.lines.length, {
    path: ['lines'],
    message: 'line ids must be unique within a purchase',
  });

export type RecordPurchaseRequest = z.infer<typeof recordPurchaseRequestSchema>;
