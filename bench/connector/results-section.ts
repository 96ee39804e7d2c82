// Where the connector's runs are kept: their own section of bench/README.md, above the ingestion
// section (whose runs are appended at the end of the file), closed by a marker line the runs are
// inserted above, newest last, as the projector's and the rules service's are. The first run creates
// the section.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { RESULTS_FILE, insertRun } from '../shared/results-file';

export const RESULTS_MARKER = '<!-- bench:connector inserts its runs above this line -->';
const BEFORE = '## Ingestion write path';

export function appendConnectorRun(markdown: string): void {
  if (!existsSync(RESULTS_FILE)) throw new Error(`${RESULTS_FILE} is missing`);
  const text = readFileSync(RESULTS_FILE, 'utf8');
  if (!text.includes(RESULTS_MARKER)) {
    const section = [
      '## Connector (`npm run bench:connector`)',
      '',
      '```bash',
      'npm run bench:connector',
      '```',
      '',
      '### Connector results',
      '',
      'Added by each run, newest last.',
      '',
      RESULTS_MARKER,
      '',
      '',
    ].join('\n');
    const at = text.indexOf(BEFORE);
    writeFileSync(RESULTS_FILE, at < 0 ? `${text}\n${section}` : `${text.slice(0, at)}${section}${text.slice(at)}`);
  }
  insertRun(markdown, RESULTS_MARKER, "the connector's results");
}
