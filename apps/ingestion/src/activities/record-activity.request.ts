import { z } from 'zod';
import { externalId, isoDateTime, slug } from '../requests/common.request';

/** `POST /v1/activities`: a custom activity such as product-usage or review-written. */
export const recordActivityRequestSchema = z.strictObject({
  tenantId: externalId,
  activityId: externalId,
  memberId: externalId,
  activityType: slug,
  occurredAt: isoDateTime,
});
export type RecordActivityRequest = z.infer<typeof recordActivityRequestSchema>;
