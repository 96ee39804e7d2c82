import { z } from 'zod';

/** The credentials and per-account settings each stub accepts; anything else is refused like the vendor would. */
export interface StubAccounts {
  bloomreach: { projectToken: string; keyId: string; secret: string; publicToken?: string };
  braze: { apiKey: string; keysWithoutPermission?: string[] };
  /** `eventSchema`: the custom event names defined under the project's "Event Schema"; others are refused. */
  voucherify: { appId: string; appToken: string; eventSchema: string[] };
  /** `secret`: the HMAC secret shared with the connector. */
  webhooks: { secret: string };
}

const credential = z.string().min(1, 'must not be empty');

/** Validates an accounts file; issues name the field, never its value (the values are secrets). */
export const stubAccountsSchema: z.ZodType<StubAccounts> = z.object({
  bloomreach: z.object({ projectToken: credential, keyId: credential, secret: credential, publicToken: credential.optional() }),
  braze: z.object({ apiKey: credential, keysWithoutPermission: z.array(credential).optional() }),
  voucherify: z.object({ appId: credential, appToken: credential, eventSchema: z.array(z.string().min(1).max(300)) }),
  webhooks: z.object({ secret: credential }),
});
