// Where both harnesses keep their runs: bench/README.md, each run in its harness's section, newest
// last, so a regression shows up as a row that changed between two sections. The ingestion
// section is the file's last, so its runs are appended at the end; the projector's and the rules
// service's sections are above it, so their runs go just above a marker line that closes each.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RESULTS_FILE = join(__dirname, '..', 'README.md');

/** Adds the run at the end of the file. */
export function appendRun(markdown: string): void {
  if (!existsSync(RESULTS_FILE)) throw new Error(`${RESULTS_FILE} is missing: it holds the introduction the runs are appended to`);
  appendFileSync(RESULTS_FILE, `\n${markdown}`);
}

/** Adds the run just above the line `marker`, which closes `section` (as named in an error). */
export function insertRun(markdown: string, marker: string, section: string): void {
  if (!existsSync(RESULTS_FILE)) throw new Error(`${RESULTS_FILE} is missing: it holds the introduction the runs are added to`);
  const text = readFileSync(RESULTS_FILE, 'utf8');
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`${RESULTS_FILE} has no line "${marker}" closing ${section}`);
  writeFileSync(RESULTS_FILE, `${text.slice(0, at)}${markdown}\n${text.slice(at)}`);
}
