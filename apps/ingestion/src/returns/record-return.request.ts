import { z } from 'zod';
import { externalId, isoDateTime, moneyMinor } from '../requests/common.request';

const returnedLine = z
  .strictObject({ lineId: externalId, quantity: z.number().int().min(1).max(100_000).optional(), amountMinor: moneyMinor.optional() })
  .refine((l) => (l.quantity === undefined) !== (l.amountMinor === undefined), { message: 'name either quantity or amountMinor' });

/** `POST /v1/returns`: goods of an earlier purchase came back. */
export const recordReturnRequestSchema = z.strictObject({
  tenantId: externalId,
  returnId: externalId,
  transactionId: externalId,
  memberId: externalId,
  occurredAt: isoDateTime,
  lines: z
    .array(returnedLine)
    .min(1)
    .max(500)
    .refine((lines) => new Set(lines.map((l) => l.lineId)).size === lines.length, 'name each line once'),
});
export type RecordReturnRequest = z.infer<typeof recordReturnRequestSchema>;
