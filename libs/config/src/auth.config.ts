import { readFileSync } from 'node:fs';
import { z } from 'zod';

const apiKeyEntry = z.object({
  tenantId: z.string().min(1),
  /** Hex SHA-256 of the key. Keys are high-entropy random strings, so a plain hash suffices. */
  keySha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256'),
  label: z.string().optional(),
});
const apiKeysFile = z.object({ keys: z.array(apiKeyEntry) });
export type ApiKeyEntry = z.infer<typeof apiKeyEntry>;

/** API keys per tenant, stored hashed, read from the JSON file API_KEYS_FILE. */
export const authEnvSchema = z
  .object({ API_KEYS_FILE: z.string({ error: 'is required (JSON file of hashed API keys per tenant)' }).min(1) })
  .transform((env, ctx) => {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(env.API_KEYS_FILE, 'utf8'));
    } catch {
      ctx.addIssue({ code: 'custom', path: ['API_KEYS_FILE'], message: 'cannot be read as JSON' });
      return z.NEVER;
    }
    const parsed = apiKeysFile.safeParse(raw);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', path: ['API_KEYS_FILE'], message: `is not a valid key file: ${parsed.error.issues[0]?.message ?? ''}` });
      return z.NEVER;
    }
    return { apiKeys: parsed.data.keys };
  });
export type AuthConfig = z.infer<typeof authEnvSchema>;
