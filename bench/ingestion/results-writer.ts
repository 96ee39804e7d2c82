// Keeps every run: each is appended to bench/README.md below the introduction, newest last, so a
// regression shows up as a row that changed between two sections.
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export const RESULTS_FILE = join(__dirname, '..', 'README.md');

export function appendRun(markdown: string): void {
  if (!existsSync(RESULTS_FILE)) throw new Error(`${RESULTS_FILE} is missing: it holds the introduction the runs are appended to`);
  appendFileSync(RESULTS_FILE, `\n${markdown}`);
}
