import { z } from 'zod';
import { externalId, isoDateTime } from '../requests/common.request';

const email = z.email().max(254);
const phone = z.string().regex(/^\+?[0-9 ()-]{5,32}$/, 'must be a phone number');
const card = z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/);

/** `POST /v1/members`: enrol a member (email is Bloomreach's `registered` hard id). */
export const enrolMemberRequestSchema = z.strictObject({
  tenantId: externalId,
  memberId: externalId,
  enrolledAt: isoDateTime,
  email: email.optional(),
  phone: phone.optional(),
  loyaltyCardNumber: card.optional(),
});
export type EnrolMemberRequest = z.infer<typeof enrolMemberRequestSchema>;

/** `PATCH /v1/members/{id}`: fields present are set, null clears. */
export const updateProfileRequestSchema = z
  .strictObject({ email: email.nullable().optional(), phone: phone.nullable().optional(), loyaltyCardNumber: card.nullable().optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'name at least one of email, phone, loyaltyCardNumber' });
export type UpdateProfileRequest = z.infer<typeof updateProfileRequestSchema>;

export const memberIdParam = externalId;
export const customTierParam = z.enum(['vip', 'employee']);
