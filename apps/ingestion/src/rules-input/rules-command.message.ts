import { z } from 'zod';
import { toUtcIso } from '@loyalty/domain';
import { fieldPath } from '@loyalty/http';
import { activatePointsCommand } from '../activations/activate-points.command';
import { expirePointsCommand } from '../expiries/expire-points.command';
import { grantOfferCommand } from '../offers/grant-offer.command';
import { type MemberCommand } from '../pipeline/member-command';
import { externalId, slug } from '../requests/common.request';

/** Largest message accepted on the commands topic; larger ones are dead-lettered unread. */
export const MAX_RULES_MESSAGE_BYTES = 64 * 1024;

// Normalised before the request hash, so a resend that writes the same instant differently is a resend.
const utcTime = z.iso.datetime({ error: 'must be an ISO-8601 UTC date-time, e.g. 2026-11-22T00:00:00Z' }).transform(toUtcIso);

const origin = {
  commandId: z.string().min(1).max(200),
  tenantId: externalId,
  memberId: externalId,
  programVersion: z.string().min(1).max(64).nullable(),
  causationId: z.string().min(1).max(200).nullable(),
};

/** The rules service's commands, as produced to `loyalty.rules.commands.v1` (UTF-8 JSON). */
export const rulesCommandMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('activate-points'), ...origin, bucketId: externalId, activatedAt: utcTime }),
  z.strictObject({ type: z.literal('expire-points'), ...origin, bucketId: externalId, expiredAt: utcTime }),
  z
    .strictObject({
      type: z.literal('grant-offer'),
      ...origin,
      offerId: externalId,
      activityType: slug,
      bonusPoints: z.number().int().min(0).max(1_000_000),
      validFrom: utcTime,
      validUntil: utcTime,
    })
    .refine((o) => Date.parse(o.validUntil) > Date.parse(o.validFrom), { path: ['validUntil'], message: 'must be after validFrom' }),
]);
export type RulesCommandMessage = z.infer<typeof rulesCommandMessageSchema>;

export type ParsedRulesCommand = { ok: true; command: MemberCommand } | { ok: false; reason: string };

/** The pipeline command a rules message asks for. */
export function commandOfRulesMessage(message: RulesCommandMessage): MemberCommand {
  switch (message.type) {
    case 'activate-points':
      return activatePointsCommand(message);
    case 'expire-points':
      return expirePointsCommand(message);
    case 'grant-offer':
      return grantOfferCommand(message);
    default: {
      const unreachable: never = message;
      throw new Error(`unknown rules command ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * Turns a message of the rules service into a pipeline command, or says why not. The key must
 * name the command's tenant and member, so a member's commands stay in one partition, in order.
 */
export function parseRulesCommandMessage(key: Buffer | null, value: Buffer | null): ParsedRulesCommand {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty message' };
  if (value.length > MAX_RULES_MESSAGE_BYTES) return { ok: false, reason: `message of ${value.length} bytes exceeds ${MAX_RULES_MESSAGE_BYTES}` };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `malformed JSON: ${(error as Error).message}` };
  }
  const parsed = rulesCommandMessageSchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, reason: `invalid rules command: ${parsed.error.issues.map((i) => `${fieldPath(i.path) || '(message)'}: ${i.message}`).join('; ')}` };
  }
  const expectedKey = `${parsed.data.tenantId}|${parsed.data.memberId}`;
  if (key === null || key.toString('utf8') !== expectedKey) {
    return { ok: false, reason: `the key must be '${expectedKey}' (tenant|member), so a member's commands stay in order` };
  }
  return { ok: true, command: commandOfRulesMessage(parsed.data) };
}
