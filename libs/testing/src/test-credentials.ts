import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCredentials {
  /** Environment for ingestion: API_KEYS_FILE, ADMIN_KEYS_FILE, WEBHOOK_SECRETS_FILE. */
  readonly env: Record<string, string>;
  readonly apiKeys: Record<string, string>;
  readonly adminKey: string;
  readonly webhookSecrets: Record<string, string>;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Fresh credentials for the given tenants, written as the files the services read (mode 0600). */
export function writeTestCredentials(tenants: readonly string[]): TestCredentials {
  const dir = mkdtempSync(join(tmpdir(), 'loyalty-credentials-'));
  const apiKeys = Object.fromEntries(tenants.map((t) => [t, `test_${randomBytes(24).toString('hex')}`]));
  const webhookSecrets = Object.fromEntries(tenants.map((t) => [t, `whsec_${randomBytes(24).toString('hex')}`]));
  const adminKey = `admin_${randomBytes(24).toString('hex')}`;
  const write = (name: string, content: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
    return file;
  };
  return {
    env: {
      API_KEYS_FILE: write('api-keys.json', { keys: Object.entries(apiKeys).map(([tenantId, key]) => ({ tenantId, keySha256: sha256(key) })) }),
      ADMIN_KEYS_FILE: write('admin-keys.json', { keys: [{ keySha256: sha256(adminKey), label: 'test-operator' }] }),
      WEBHOOK_SECRETS_FILE: write('webhook-secrets.json', { secrets: Object.entries(webhookSecrets).map(([tenantId, secret]) => ({ tenantId, secret })) }),
    },
    apiKeys,
    adminKey,
    webhookSecrets,
  };
}
