import { readFileSync } from 'node:fs';
import { z } from 'zod';

const adminKeyEntry = z.object({
  /** Hex SHA-256 of the key. Keys are high-entropy random strings, so a plain hash suffices. */
  keySha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256'),
  /** Who holds the key; recorded on the adjustments made with it (the key never is). */
  label: z.string().min(1),
});
const adminKeysFile = z.object({ keys: z.array(adminKeyEntry) });
export type AdminKeyEntry = z.infer<typeof adminKeyEntry>;

/**
 * Operator keys for manual adjustments, stored hashed, read from the JSON file ADMIN_KEYS_FILE.
 * Without the file no admin key exists, so every admin request is refused.
 */
export const adminEnvSchema = z
  .object({ ADMIN_KEYS_FILE: z.string().min(1, 'must not be empty (unset it to disable admin requests)').optional() })
  .transform((env, ctx) => {
    if (env.ADMIN_KEYS_FILE === undefined) return { adminKeys: [] as readonly AdminKeyEntry[] };
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(env.ADMIN_KEYS_FILE, 'utf8'));
    } catch {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_KEYS_FILE'], message: 'cannot be read as JSON' });
      return z.NEVER;
    }
    const parsed = adminKeysFile.safeParse(raw);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_KEYS_FILE'], message: `is not a valid key file: ${parsed.error.issues[0]?.message ?? ''}` });
      return z.NEVER;
    }
    return { adminKeys: parsed.data.keys as readonly AdminKeyEntry[] };
  });
export type AdminAuthConfig = z.infer<typeof adminEnvSchema>;
