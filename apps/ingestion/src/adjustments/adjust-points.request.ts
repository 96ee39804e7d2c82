import { z } from 'zod';
import { externalId, slug } from '../requests/common.request';

/** `POST /v1/adjustments`: a manual credit (points > 0) or debit (points < 0), admin only. */
export const adjustPointsRequestSchema = z.strictObject({
  tenantId: externalId,
  adjustmentId: externalId,
  memberId: externalId,
  points: z
    .number()
    .int()
    .min(-1_000_000_000)
    .max(1_000_000_000)
    .refine((p) => p !== 0, 'must not be zero'),
  currency: slug.optional(),
  reason: z.string().min(3).max(500),
});
export type AdjustPointsRequest = z.infer<typeof adjustPointsRequestSchema>;
