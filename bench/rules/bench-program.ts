// The program the benchmark's rules processes run for its tenant: the seeds' default program
// (Bronze / Silver / Gold at 0 / 1,000 / 5,000 qualifying points, no grace period, downgrades to
// what the points support, temporary points expire after 90 days, warnings 7 days ahead,
// Europe/Berlin), written as `<tenant>.json` into a PROGRAMS_DIR of the run's own, so the figures
// never depend on what config/programs holds that day. The same directory holds the clock file the
// daily run moves.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PROGRAM, type ProgramConfig } from '@loyalty/domain';
import { type RegisterCleanup } from '../shared/cleanup';

export const BENCH_PROGRAM: ProgramConfig = { ...DEFAULT_PROGRAM, version: 'bench-rules-2026-01-01', effectiveFrom: '2026-01-01T00:00:00.000Z' };

export interface RunFiles {
  /** PROGRAMS_DIR for the rules processes. */
  readonly programsDir: string;
  /** LOYALTY_CLOCK_FILE for the rules processes: `{"offsetMs": N}`, 0 until the daily run moves it. */
  readonly clockFile: string;
  /** Moves the processes' clock; they see it within 200 ms (the adjustable clock's check interval). */
  setClockOffset(offsetMs: number): void;
}

export function writeRunFiles(tenantId: string, runId: string, registerCleanup: RegisterCleanup): RunFiles {
  const dir = mkdtempSync(join(tmpdir(), `bench-rules-${runId}-`));
  registerCleanup(`remove ${dir}`, () => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
  const programsDir = join(dir, 'programs');
  const clockFile = join(dir, 'clock.json');
  mkdirSync(programsDir);
  writeFileSync(join(programsDir, `${tenantId}.json`), JSON.stringify({ tenantId, versions: [BENCH_PROGRAM] }, null, 2));
  const setClockOffset = (offsetMs: number) => {
    // Renamed into place, as `npm run clock` does, so a reader never sees half a file.
    writeFileSync(`${clockFile}.tmp`, JSON.stringify({ offsetMs: Math.round(offsetMs) }));
    renameSync(`${clockFile}.tmp`, clockFile);
  };
  setClockOffset(0);
  return { programsDir, clockFile, setClockOffset };
}
