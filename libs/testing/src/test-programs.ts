import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PROGRAM, type ProgramConfig } from '@loyalty/domain';

/**
 * A PROGRAMS_DIR with one file per tenant: the default program with the given changes (for
 * example `pendingDays: 0`, so purchase points can be spent at once in a spec).
 */
export function writeTestPrograms(tenants: Readonly<Record<string, Partial<ProgramConfig>>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'loyalty-programs-'));
  for (const [tenantId, changes] of Object.entries(tenants)) {
    const version: ProgramConfig = { ...DEFAULT_PROGRAM, version: `test-${tenantId}`, ...changes };
    writeFileSync(join(dir, `${tenantId}.json`), JSON.stringify({ tenantId, versions: [version] }, null, 2));
  }
  return dir;
}
