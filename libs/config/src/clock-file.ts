import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

// A century either way: far beyond any demo, and well inside what a Date can represent.
const MAX_OFFSET_MS = 100 * 366 * 86_400_000;

/** The adjustable clock's file: how far ahead of the real clock (negative: behind) time runs. */
export const clockFileSchema = z.object({
  offsetMs: z.number().int('must be a whole number of milliseconds').min(-MAX_OFFSET_MS).max(MAX_OFFSET_MS),
});
export type ClockFile = z.infer<typeof clockFileSchema>;

export type ClockFileRead = { readonly kind: 'missing' } | { readonly kind: 'ok'; readonly offsetMs: number } | { readonly kind: 'malformed'; readonly problem: string };

/**
 * Reads a clock file. A missing file is not a problem (offset 0); anything unreadable or invalid is
 * `malformed`, with a reason fit for a log line.
 *
 * @example
 * const read = readClockFile('.stack/clock.json'); // { kind: 'ok', offsetMs: 2592000000 }
 */
export function readClockFile(file: string): ClockFileRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'malformed', problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'malformed', problem: 'is not JSON' };
  }
  const parsed = clockFileSchema.safeParse(raw);
  if (parsed.success) return { kind: 'ok', offsetMs: parsed.data.offsetMs };
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.map(String).join('.')}: `;
  return { kind: 'malformed', problem: `is not a clock file (${where}${issue?.message ?? 'invalid'}; expected {"offsetMs": <integer>})` };
}

/**
 * Writes a clock file atomically (a temporary file renamed over it), so a service reading it at
 * any moment sees the old offset or the new one, never half a file.
 *
 * @example
 * writeClockFile('.stack/clock.json', 30 * 86_400_000);
 */
export function writeClockFile(file: string, offsetMs: number): void {
  const content: ClockFile = clockFileSchema.parse({ offsetMs });
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content)}\n`);
  renameSync(temporary, file);
}
