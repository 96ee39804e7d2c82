import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@loyalty/config';
import { DEFAULT_PROGRAM, type TenantProgram, tenantProgramSchema } from '@loyalty/domain';
import { ProgramCatalog } from './program-catalog';

/**
 * Loads every tenant's program from `<dir>/<tenant>.json` (`default.json` for tenants without one).
 * A file that does not validate stops the service, naming the file and the field.
 */
export function loadProgramCatalog(dir: string): ProgramCatalog {
  const problems: string[] = [];
  const tenants = new Map<string, TenantProgram>();
  let fallback: TenantProgram = { tenantId: '*', versions: [DEFAULT_PROGRAM] };
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  for (const file of files) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      problems.push(`PROGRAMS_DIR/${file}: not valid JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = tenantProgramSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => `PROGRAMS_DIR/${file}: ${i.path.join('.') || '(file)'}: ${i.message}`));
      continue;
    }
    const expected = file.slice(0, -'.json'.length);
    if (expected === 'default') fallback = parsed.data;
    else if (parsed.data.tenantId !== expected) problems.push(`PROGRAMS_DIR/${file}: tenantId must be ${expected} (the file name)`);
    else tenants.set(parsed.data.tenantId, parsed.data);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return new ProgramCatalog(tenants, fallback);
}
