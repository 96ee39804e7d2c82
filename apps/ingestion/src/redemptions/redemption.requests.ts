import { z } from 'zod';
import { externalId } from '../requests/common.request';

/** `POST /v1/redemptions`: spend points; idempotent per redemption id. */
export const redeemPointsRequestSchema = z.strictObject({
  tenantId: externalId,
  redemptionId: externalId,
  memberId: externalId,
  points: z.number().int().min(1).max(1_000_000_000),
  reward: z.string().min(1).max(128).optional(),
});
export type RedeemPointsRequest = z.infer<typeof redeemPointsRequestSchema>;

/** `POST /v1/redemptions/{id}/cancel`. */
export const cancelRedemptionRequestSchema = z.strictObject({ tenantId: externalId, memberId: externalId });
export type CancelRedemptionRequest = z.infer<typeof cancelRedemptionRequestSchema>;

export const redemptionIdParam = externalId;
