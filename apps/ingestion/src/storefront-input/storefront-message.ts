import { z } from 'zod';
import { fieldPath } from '@loyalty/http';
import { recordActivityCommand } from '../activities/record-activity.command';
import { recordActivityRequestSchema } from '../activities/record-activity.request';
import { type MemberCommand } from '../pipeline/member-command';
import { recordPurchaseCommand } from '../purchases/record-purchase.command';
import { recordPurchaseRequestSchema } from '../purchases/record-purchase.request';
import { recordReturnCommand } from '../returns/record-return.command';
import { recordReturnRequestSchema } from '../returns/record-return.request';

/** Largest message accepted on the input topic; larger ones are dead-lettered unread. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

const envelope = z.strictObject({ type: z.enum(['purchase', 'return', 'activity']), payload: z.unknown() });

export type ParsedMessage = { ok: true; command: MemberCommand } | { ok: false; reason: string };

function invalid(prefix: string, error: z.ZodError): ParsedMessage {
  return { ok: false, reason: `${prefix}: ${error.issues.map((i) => `${fieldPath(i.path) || '(message)'}: ${i.message}`).join('; ')}` };
}

/**
 * Turns a storefront message into the same command its HTTP request would be, or says why not.
 * The key must name the payload's tenant and member, so a producer keying by member keeps order.
 */
export function parseStorefrontMessage(key: Buffer | null, value: Buffer | null): ParsedMessage {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty message' };
  if (value.length > MAX_MESSAGE_BYTES) return { ok: false, reason: `message of ${value.length} bytes exceeds ${MAX_MESSAGE_BYTES}` };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `malformed JSON: ${(error as Error).message}` };
  }
  const outer = envelope.safeParse(json);
  if (!outer.success) return invalid('invalid envelope', outer.error);
  let command: MemberCommand;
  switch (outer.data.type) {
    case 'purchase': {
      const p = recordPurchaseRequestSchema.safeParse(outer.data.payload);
      if (!p.success) return invalid('invalid purchase', p.error);
      command = recordPurchaseCommand(p.data);
      break;
    }
    case 'return': {
      const r = recordReturnRequestSchema.safeParse(outer.data.payload);
      if (!r.success) return invalid('invalid return', r.error);
      command = recordReturnCommand(r.data);
      break;
    }
    case 'activity': {
      const a = recordActivityRequestSchema.safeParse(outer.data.payload);
      if (!a.success) return invalid('invalid activity', a.error);
      command = recordActivityCommand(a.data);
      break;
    }
    default: {
      const unreachable: never = outer.data.type;
      return { ok: false, reason: `unknown type ${String(unreachable)}` };
    }
  }
  const expectedKey = `${command.tenantId}|${command.memberId}`;
  if (key === null || key.toString('utf8') !== expectedKey) {
    return { ok: false, reason: `the key must be '${expectedKey}' (tenant|member), so a member's messages stay in order` };
  }
  return { ok: true, command };
}
