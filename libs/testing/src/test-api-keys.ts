import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes an API key file for the given tenants; returns its path and each tenant's plain key. */
export function writeTestApiKeys(tenants: readonly string[]): { file: string; keys: Record<string, string> } {
  const entries = tenants.map((tenantId) => ({ tenantId, key: `test_${randomBytes(24).toString('hex')}` }));
  const file = join(mkdtempSync(join(tmpdir(), 'loyalty-keys-')), 'api-keys.json');
  writeFileSync(
    file,
    JSON.stringify({ keys: entries.map((e) => ({ tenantId: e.tenantId, keySha256: createHash('sha256').update(e.key).digest('hex') })) }),
    { mode: 0o600 },
  );
  const keys = Object.fromEntries(entries.map((e) => [e.tenantId, e.key]));
  return { file, keys };
}
