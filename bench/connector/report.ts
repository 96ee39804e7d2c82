// Renders one run as Markdown: printed to the terminal and added to bench/README.md, so what the
// terminal shows and what is kept are the same text. The connector's figures do not fit the other
// harnesses' one-table layout (several destinations per phase, latency distributions), so it has
// tables of its own, with the same number formats.
import { type MachineInfo } from '../shared/machine-info';
import { type PeakRss } from '../shared/peak-rss';

export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '—' : n < 10 ? n.toFixed(1) : int(n));
export const times = (a: number | undefined, b: number | undefined, digits = 1) => (a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(digits)}×`);
/** Small shares keep two significant digits. */
export const share = (a: number | undefined, b: number | undefined) => {
  if (a === undefined || b === undefined || b === 0) return '—';
  const pct = (a / b) * 100;
  return `${pct >= 10 ? Math.round(pct) : pct.toPrecision(2)} %`;
};
const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

export interface ThroughputRow {
  readonly phase: string;
  readonly load: string;
  /** Events (or units) per second; undefined when the phase failed or did not run. */
  readonly rate: number | undefined;
  readonly unit: string;
  /** Requests per second and events per request, where the row is a destination. */
  readonly requests?: { readonly perS: number; readonly eventsPer: number; readonly meanMs: number | undefined };
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly errors: string;
  readonly ofKafka?: string;
  readonly ratio?: string;
  readonly target?: string;
  readonly verdict?: string;
}

export interface LatencyRow {
  readonly path: string;
  readonly destination: string;
  readonly n: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly missing: number;
  readonly toDecision: { readonly p50Ms: number; readonly p99Ms: number };
  readonly afterDecision: { readonly p50Ms: number; readonly p99Ms: number };
  readonly target: string;
  readonly verdict: string;
}

export interface ConnectorReport {
  readonly startedAt: Date;
  readonly machine: MachineInfo;
  readonly smoke: boolean;
  readonly setup: string;
  readonly throughput: readonly ThroughputRow[];
  readonly ratios: readonly { readonly what: string; readonly value: string; readonly reading: string }[];
  readonly latency: readonly LatencyRow[];
  readonly latencySetup: string | undefined;
  readonly peaks: readonly PeakRss[];
  readonly notes: readonly string[];
}

export function renderReport(r: ConnectorReport): string {
  const when = r.startedAt.toISOString().replace('T', ' ').slice(0, 16);
  const lines = [
    `#### ${when} UTC${r.smoke ? ' (smoke run: shortened knobs, not comparable)' : ''}`,
    '',
    `Machine: ${r.machine.cores} cores, ${r.machine.memTotalGiB} GiB, ${r.machine.cpuModel}. ${r.setup}`,
    '',
    '| phase | load | rate | requests/s (events each, mean ms) | p50 ms | p99 ms | errors | of Kafka raw | batched ÷ naive | target | verdict |',
    '|---|---|---:|---:|---:|---:|---|---:|---:|---|---|',
    ...r.throughput.map((row) => {
      const rate = row.rate === undefined ? '—' : `${int(row.rate)} ${row.unit}`;
      const req = row.requests === undefined ? '—' : `${int(row.requests.perS)} (${row.requests.eventsPer.toFixed(1)}, ${ms(row.requests.meanMs)})`;
      return `| ${cell(row.phase)} | ${cell(row.load)} | ${rate} | ${req} | ${ms(row.p50Ms)} | ${ms(row.p99Ms)} | ${cell(row.errors)} | ${row.ofKafka ?? '—'} | ${row.ratio ?? '—'} | ${row.target ?? '—'} | ${row.verdict ?? '—'} |`;
    }),
  ];
  if (r.ratios.length > 0) {
    lines.push('', '| ratio | value | what it says |', '|---|---:|---|', ...r.ratios.map((x) => `| ${cell(x.what)} | ${x.value} | ${cell(x.reading)} |`));
  }
  if (r.latency.length > 0) {
    lines.push(
      '',
      r.latencySetup ?? '',
      '',
      "| path | destination | tier changes | p50 ms | p95 ms | p99 ms | max ms | not arrived | to rules' decision p50 / p99 ms | decision → stub p50 / p99 ms | target | verdict |",
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
      ...r.latency.map(
        (l) =>
          `| ${cell(l.path)} | ${l.destination} | ${int(l.n)} | ${ms(l.p50Ms)} | ${ms(l.p95Ms)} | ${ms(l.p99Ms)} | ${ms(l.maxMs)} | ${int(l.missing)} | ${ms(l.toDecision.p50Ms)} / ${ms(l.toDecision.p99Ms)} | ${ms(l.afterDecision.p50Ms)} / ${ms(l.afterDecision.p99Ms)} | ${l.target} | ${l.verdict} |`,
      ),
    );
  }
  lines.push(
    '',
    '| process | pid | peak RSS MiB | note |',
    '|---|---:|---:|---|',
    ...r.peaks.map((p) => `| ${p.process} | ${p.pid ?? '—'} | ${p.kib === undefined ? '—' : int(p.kib / 1024)} | ${cell(p.note)} |`),
  );
  if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}
