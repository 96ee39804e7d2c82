import { z } from 'zod';
import { type ProgramConfig, programConfigSchema } from './program-config';

/** A tenant's program: effective-dated versions. */
export const tenantProgramSchema = z
  .strictObject({ tenantId: z.string().min(1), versions: z.array(programConfigSchema).min(1) })
  .superRefine((t, ctx) => {
    const versions = new Set<string>();
    t.versions.forEach((v, i) => {
      if (versions.has(v.version)) ctx.addIssue({ code: 'custom', path: ['versions', i, 'version'], message: `duplicate version ${v.version}` });
      versions.add(v.version);
    });
  });
export type TenantProgram = z.infer<typeof tenantProgramSchema>;

/**
 * The version in force at `time`: the latest whose effectiveFrom is not after it. Requests are
 * decided by the version in force when they happened, so replays decide the same.
 *
 * @example
 * programAt(tenantProgram, '2026-11-22T10:00:00Z')?.version
 */
export function programAt(program: TenantProgram, time: string): ProgramConfig | undefined {
  const at = Date.parse(time);
  return [...program.versions]
    .sort((a, b) => Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom))
    .filter((v) => Date.parse(v.effectiveFrom) <= at)
    .at(-1);
}
