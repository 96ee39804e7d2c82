// What ingestion would add to the daily run, estimated (not measured): the daily run's commands
// decided at ingestion's batch rate, as `npm run bench:ingestion` last recorded it in
// bench/README.md (its `POST /v1/purchases/batch` row: a command, like a purchase of a batch, is
// one member's decision under its lock in the batched pipeline), unless BENCH_INGESTION_BATCH_RATE
// gives one; then the events those commands append (PointsActivated, PointsExpired) folded back by
// the rules service at this run's tier evaluation rate, before the day's second half may start.
import { existsSync, readFileSync } from 'node:fs';
import { RESULTS_FILE } from '../shared/results-file';

export interface IngestionRate {
  readonly purchasesPerS: number;
  /** Where the figure comes from, as said in the note. */
  readonly source: string;
}

const BATCH_ROW = /^\| POST \/v1\/purchases\/batch \|[^|]*\| ([0-9,]+) purchases\/s \|/;
const HEADING = /^#{2,4} (\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC)/;

export function ingestionBatchRate(override: number | undefined): IngestionRate | undefined {
  if (override !== undefined) return { purchasesPerS: override, source: 'BENCH_INGESTION_BATCH_RATE' };
  if (!existsSync(RESULTS_FILE)) return undefined;
  let found: IngestionRate | undefined;
  let heading = '';
  for (const line of readFileSync(RESULTS_FILE, 'utf8').split('\n')) {
    const h = HEADING.exec(line);
    if (h?.[1] !== undefined) heading = h[1];
    const row = BATCH_ROW.exec(line);
    if (row?.[1] !== undefined) found = { purchasesPerS: Number(row[1].replaceAll(',', '')), source: `bench:ingestion's run of ${heading} in bench/README.md` };
  }
  return found;
}

export function ingestionEstimateNote(commands: number, foldedEvents: number, rate: IngestionRate | undefined, tierRate: number | undefined): string {
  const int = (n: number) => Math.round(n).toLocaleString('en-US');
  if (rate === undefined) return `What ingestion would add is not estimated: no \`POST /v1/purchases/batch\` figure in bench/README.md (set BENCH_INGESTION_BATCH_RATE).`;
  const decide = commands / rate.purchasesPerS;
  const fold = tierRate === undefined ? undefined : foldedEvents / tierRate;
  const foldText = fold === undefined ? '' : `, then folding the ${int(foldedEvents)} PointsActivated and PointsExpired it appends back at this run's tier evaluation rate (${int(tierRate ?? 0)} events/s) about ${fold.toFixed(1)} s more`;
  return (
    `Estimate, not measured: with ingestion in the loop, deciding the day's ${int(commands)} commands at its batch rate (${int(rate.purchasesPerS)} purchases/s, ${rate.source}) would add about ${decide.toFixed(1)} s${foldText}, ` +
    `so about ${(decide + (fold ?? 0)).toFixed(1)} s on top of the rules-side figure (less where the two overlap).`
  );
}
