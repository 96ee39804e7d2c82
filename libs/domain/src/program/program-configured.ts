import { type ProgramConfig, programConfigSchema } from './program-config';
import { type TenantProgram } from './program-versions';

/** One version of a tenant's program, as an event on `loyalty.programs.v1`. */
export interface ProgramConfigured {
  readonly eventId: string;
  readonly tenantId: string;
  readonly version: string;
  readonly effectiveFrom: string;
  readonly recordedAt: string;
  readonly configJson: string;
  readonly configSha256: string;
}

/** The same content always serialises the same way: the schema's field order, nothing else. */
export function canonicalProgramJson(config: ProgramConfig): string {
  return JSON.stringify(programConfigSchema.parse(config));
}

export interface ProgramPublication {
  /** Versions of the files not yet in the log, as events to publish. */
  readonly toPublish: readonly ProgramConfigured[];
  /** Versions the files change after they were published: a change must be a new version. */
  readonly conflicts: readonly string[];
}

/**
 * What publishing the program files adds to the log. A version already published with the same
 * content is left alone (publishing is idempotent); one published with other content is a
 * conflict, because events that version produced must stay explainable by what it said.
 */
export function planProgramPublication(
  files: readonly TenantProgram[],
  published: readonly ProgramConfigured[],
  context: { readonly idFor: (...parts: string[]) => string; readonly sha256: (text: string) => string; readonly recordedAt: string },
): ProgramPublication {
  const known = new Map(published.map((p) => [`${p.tenantId}|${p.version}`, p]));
  const toPublish: ProgramConfigured[] = [];
  const conflicts: string[] = [];
  for (const program of files) {
    for (const config of program.versions) {
      const configJson = canonicalProgramJson(config);
      const configSha256 = context.sha256(configJson);
      const existing = known.get(`${program.tenantId}|${config.version}`);
      if (existing === undefined) {
        toPublish.push({
          eventId: context.idFor(program.tenantId, 'ProgramConfigured', config.version),
          tenantId: program.tenantId,
          version: config.version,
          effectiveFrom: new Date(Date.parse(config.effectiveFrom)).toISOString(),
          recordedAt: context.recordedAt,
          configJson,
          configSha256,
        });
      } else if (existing.configSha256 !== configSha256) {
        conflicts.push(`tenant ${program.tenantId}: version ${config.version} was published on ${existing.recordedAt} with other content; publish the change as a new version`);
      }
    }
  }
  return { toPublish, conflicts };
}

/**
 * Every tenant's program as the log holds it: all versions ever published (the first of each
 * version wins; a resend is the same event), validated again on the way in.
 */
export function programsFromLog(events: readonly ProgramConfigured[]): { programs: Map<string, TenantProgram>; invalid: string[] } {
  const byTenant = new Map<string, Map<string, ProgramConfig>>();
  const invalid: string[] = [];
  for (const event of events) {
    const versions = byTenant.get(event.tenantId) ?? new Map<string, ProgramConfig>();
    if (versions.has(event.version)) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(event.configJson);
    } catch {
      invalid.push(`${event.tenantId}/${event.version}: not JSON`);
      continue;
    }
    const parsed = programConfigSchema.safeParse(raw);
    if (!parsed.success) {
      invalid.push(`${event.tenantId}/${event.version}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      continue;
    }
    versions.set(event.version, parsed.data);
    byTenant.set(event.tenantId, versions);
  }
  return { programs: new Map([...byTenant].map(([tenantId, versions]) => [tenantId, { tenantId, versions: [...versions.values()] }])), invalid };
}
