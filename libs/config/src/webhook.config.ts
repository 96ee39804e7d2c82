import { readFileSync } from 'node:fs';
import { z } from 'zod';

const webhookSecretEntry = z.object({
  tenantId: z.string().min(1),
  /** Shared with the storefront; long enough that guessing it is hopeless. */
  secret: z.string().min(32, 'each secret must be at least 32 characters'),
});
const webhookSecretsFile = z.object({ secrets: z.array(webhookSecretEntry) });
export type WebhookSecretEntry = z.infer<typeof webhookSecretEntry>;

/**
 * Storefront webhook secrets, read from the JSON file WEBHOOK_SECRETS_FILE. A tenant may appear
 * several times: each entry is an active secret, so a secret can be rotated without downtime.
 * Without the file, signed requests are simply refused (no secrets), and API keys still work.
 */
export const webhookEnvSchema = z
  .object({
    WEBHOOK_SECRETS_FILE: z.string().min(1, 'must not be empty (unset it to disable signed requests)').optional(),
    WEBHOOK_TOLERANCE_SECONDS: z.coerce
      .number({ error: 'must be a whole number of seconds' })
      .int('must be a whole number of seconds')
      .min(1, 'must be between 1 and 3600 seconds')
      .max(3600, 'must be between 1 and 3600 seconds')
      .default(300),
  })
  .transform((env, ctx) => {
    const toleranceSeconds = env.WEBHOOK_TOLERANCE_SECONDS;
    if (env.WEBHOOK_SECRETS_FILE === undefined) return { secrets: [] as readonly WebhookSecretEntry[], toleranceSeconds };
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(env.WEBHOOK_SECRETS_FILE, 'utf8'));
    } catch {
      // JSON.parse's own message quotes the file's text, which holds secrets: never pass it on.
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRETS_FILE'], message: 'cannot be read as JSON' });
      return z.NEVER;
    }
    const parsed = webhookSecretsFile.safeParse(raw);
    if (!parsed.success) {
      // The issue's path and message name the field, never its value.
      const issue = parsed.error.issues[0];
      const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.map(String).join('.')}: `;
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRETS_FILE'], message: `is not a valid secrets file: ${where}${issue?.message ?? ''}` });
      return z.NEVER;
    }
    return { secrets: parsed.data.secrets as readonly WebhookSecretEntry[], toleranceSeconds };
  });
export type WebhookConfig = z.infer<typeof webhookEnvSchema>;
