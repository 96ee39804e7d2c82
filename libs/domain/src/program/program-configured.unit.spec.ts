import { DEFAULT_PROGRAM, type ProgramConfig } from './program-config';
import { type ProgramConfigured, canonicalProgramJson, planProgramPublication, programsFromLog } from './program-configured';

const context = { idFor: (...parts: string[]) => parts.join('/'), sha256: (text: string) => `sha(${text.length}:${text.slice(-40)})`, recordedAt: '2026-11-22T10:00:00.000Z' };
const v1: ProgramConfig = { ...DEFAULT_PROGRAM, version: 'v1', effectiveFrom: '2026-01-01T00:00:00Z' };
const v2: ProgramConfig = { ...DEFAULT_PROGRAM, version: 'v2', effectiveFrom: '2026-12-01T00:00:00+01:00', tiers: { ...DEFAULT_PROGRAM.tiers, graceDays: 30 } };

describe('program configuration as events', () => {
  it('given nothing published, when the files are published, then one event per version, with deterministic ids and UTC times', () => {
    const { toPublish, conflicts } = planProgramPublication([{ tenantId: 'acme', versions: [v1, v2] }], [], context);

    expect(conflicts).toEqual([]);
    expect(toPublish.map((e) => [e.eventId, e.version, e.effectiveFrom])).toEqual([
      ['acme/ProgramConfigured/v1', 'v1', '2026-01-01T00:00:00.000Z'],
      ['acme/ProgramConfigured/v2', 'v2', '2026-11-30T23:00:00.000Z'],
    ]);
    expect(JSON.parse(toPublish[1]?.configJson ?? '{}')).toMatchObject({ version: 'v2', tiers: { graceDays: 30 } });
  });

  it('given the same versions published, then nothing to publish (idempotent)', () => {
    const first = planProgramPublication([{ tenantId: 'acme', versions: [v1, v2] }], [], context).toPublish;
    expect(planProgramPublication([{ tenantId: 'acme', versions: [v1, v2] }], first, context)).toEqual({ toPublish: [], conflicts: [] });
  });

  it('given a published version changed in the file, then a conflict naming tenant and version, and nothing published for it', () => {
    const first = planProgramPublication([{ tenantId: 'acme', versions: [v1] }], [], context).toPublish;
    const changed = { ...v1, pendingDays: 0 };
    const plan = planProgramPublication([{ tenantId: 'acme', versions: [changed, v2] }], first, context);

    expect(plan.conflicts).toEqual([expect.stringContaining('tenant acme: version v1 was published')]);
    expect(plan.toPublish.map((e) => e.version)).toEqual(['v2']);
  });

  it('given the log, then every tenant program it holds, the first of a version winning and invalid versions reported', () => {
    const events = planProgramPublication([{ tenantId: 'acme', versions: [v1, v2] }, { tenantId: 'globex', versions: [v1] }], [], context).toPublish;
    const broken: ProgramConfigured = { ...(events[0] as ProgramConfigured), tenantId: 'initech', configJson: '{"version":"x"}' };
    const resent: ProgramConfigured = { ...(events[0] as ProgramConfigured), configJson: canonicalProgramJson({ ...v1, pendingDays: 3 }) };

    const { programs, invalid } = programsFromLog([...events, broken, resent]);
    expect([...programs.keys()].sort()).toEqual(['acme', 'globex']);
    expect(programs.get('acme')?.versions.map((v) => [v.version, v.pendingDays])).toEqual([
      ['v1', v1.pendingDays],
      ['v2', v2.pendingDays],
    ]);
    expect(invalid).toEqual([expect.stringContaining('initech/v1')]);
  });

  it('given the same content in another key order, then the same canonical JSON', () => {
    const reordered = Object.fromEntries(Object.entries(v2).reverse()) as ProgramConfig;
    expect(canonicalProgramJson(reordered)).toBe(canonicalProgramJson(v2));
  });
});
