// Keeps every run in bench/README.md, newest last, inside the projector's own section: the
// ingestion benchmark appends its runs at the end of the file, so the projector's go just above a
// marker line that closes its section instead.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { RESULTS_FILE } from '../ingestion/results-writer';

export { RESULTS_FILE };
export const RESULTS_MARKER = '<!-- bench:projector inserts its runs above this line -->';

export function insertRun(markdown: string): void {
  if (!existsSync(RESULTS_FILE)) throw new Error(`${RESULTS_FILE} is missing: it holds the introduction the runs are added to`);
  const text = readFileSync(RESULTS_FILE, 'utf8');
  const at = text.indexOf(RESULTS_MARKER);
  if (at < 0) throw new Error(`${RESULTS_FILE} has no line "${RESULTS_MARKER}" closing the projector's results`);
  writeFileSync(RESULTS_FILE, `${text.slice(0, at)}${markdown}\n${text.slice(at)}`);
}
