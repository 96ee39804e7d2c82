// Renders one run as Markdown: printed to the terminal and kept in bench/README.md, so what the
// terminal shows and what is kept are the same text. One renderer for both harnesses, so their
// tables keep the same columns and the same number formats; what differs between them (the
// heading's depth, which phases are shares of the raw limits, which ratio is shown) is their
// layout.
import { type MachineInfo } from './machine-info';
import { type PeakRss } from './peak-rss';
import { type PhaseOutcome, meetsTarget } from './phase-outcome';

export interface RunReport<Id extends string> {
  readonly startedAt: Date;
  readonly machine: MachineInfo;
  /** What the run measured with (warm-up, durations, payload, backlog), after the machine. */
  readonly setup: string;
  /** Knobs below the defaults: said in the heading, the figures are not comparable. */
  readonly smoke: boolean;
  readonly phases: readonly PhaseOutcome<Id>[];
  readonly peaks: readonly PeakRss[];
  readonly notes: readonly string[];
}

export interface TableLayout<Id extends string> {
  /** The heading's level: the harnesses' runs sit at different depths of bench/README.md. */
  readonly headingLevel: number;
  /** The raw limits the service's rates are shares of. */
  readonly kafkaRaw: Id;
  readonly postgresRaw: Id;
  /** The phases of the service itself, given as shares of the raw limits. */
  readonly sharesOf: readonly Id[];
  /** The ratio column: `numerator`'s rate over `denominator`'s, shown on `row`'s line with `digits` decimals. */
  readonly ratio: { readonly column: string; readonly row: Id; readonly numerator: Id; readonly denominator: Id; readonly digits: number };
  /** Escape the notes for Markdown (a harness whose notes quote logs and error answers). */
  readonly escapeNotes: boolean;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '—' : n < 10 ? n.toFixed(1) : int(n));
const ratio = (a: number | undefined, b: number | undefined, digits: number) => (a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(digits)}×`);
/** Small shares keep two significant digits: 0.25 % and 0.31 % must not both print as 0 %. */
const share = (a: number | undefined, b: number | undefined) => {
  if (a === undefined || b === undefined || b === 0) return '—';
  const pct = (a / b) * 100;
  return `${pct >= 10 ? Math.round(pct) : pct.toPrecision(2)} %`;
};
const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

function rateOf<Id extends string>(phases: readonly PhaseOutcome<Id>[], id: Id): number | undefined {
  return phases.find((p) => p.id === id)?.rate;
}

function targetCell(p: PhaseOutcome): string {
  if (p.target === undefined) return '—';
  return p.target.label ?? `≥ ${int(p.target.minRate)}${p.target.maxP99Ms === undefined ? '' : `, p99 ≤ ${p.target.maxP99Ms} ms`}`;
}

function phaseRow<Id extends string>(p: PhaseOutcome<Id>, phases: readonly PhaseOutcome<Id>[], layout: TableLayout<Id>): string {
  const shown = layout.sharesOf.includes(p.id);
  const vsKafka = shown ? share(p.rate, rateOf(phases, layout.kafkaRaw)) : '—';
  // Purchases (or events) per second over rows per second: a purchase or an event costs several
  // row writes, so this share's honest ceiling is well below 100 % (see bench/README.md).
  const vsPostgres = shown ? share(p.rate, rateOf(phases, layout.postgresRaw)) : '—';
  const { row, numerator, denominator, digits } = layout.ratio;
  const vsOther = p.id === row ? ratio(rateOf(phases, numerator), rateOf(phases, denominator), digits) : '—';
  const met = meetsTarget(p);
  const verdict = p.failed ? '**FAILED**' : met === undefined ? '—' : met ? 'met' : 'missed';
  const rate = p.rate === undefined ? '—' : `${int(p.rate)} ${p.unit}`;
  const errors = p.errors === 0 ? '0' : `${int(p.errors)} (${cell(p.errorDetail)})`;
  return `| ${p.label} | ${cell(p.load)} | ${rate} | ${ms(p.p50Ms)} | ${ms(p.p99Ms)} | ${errors} | ${vsKafka} | ${vsPostgres} | ${vsOther} | ${targetCell(p)} | ${verdict} |`;
}

function peakRow(peak: PeakRss): string {
  const mib = peak.kib === undefined ? '—' : int(peak.kib / 1024);
  return `| ${peak.process} | ${peak.pid ?? '—'} | ${mib} | ${cell(peak.note)} |`;
}

export function renderRun<Id extends string>(report: RunReport<Id>, layout: TableLayout<Id>): string {
  const { machine } = report;
  const when = report.startedAt.toISOString().replace('T', ' ').slice(0, 16);
  const lines = [
    `${'#'.repeat(layout.headingLevel)} ${when} UTC${report.smoke ? ' (smoke run: shortened knobs, not comparable)' : ''}`,
    '',
    `Machine: ${machine.cores} cores, ${machine.memTotalGiB} GiB, ${machine.cpuModel}. ${report.setup}`,
    '',
    `| phase | load | rate | p50 ms | p99 ms | errors | of Kafka raw | of Postgres raw | ${layout.ratio.column} | target | verdict |`,
    '|---|---|---:|---:|---:|---|---:|---:|---:|---|---|',
    ...report.phases.map((p) => phaseRow(p, report.phases, layout)),
    '',
    '| process | pid | peak RSS MiB | note |',
    '|---|---:|---:|---|',
    ...report.peaks.map(peakRow),
  ];
  const failures = report.phases.filter((p) => p.failed && p.firstError !== undefined).map((p) => `${p.label} failed: \`${cell(p.firstError ?? '')}\``);
  const settles = report.phases
    .filter((p) => p.settle !== undefined && !p.settle.settled)
    .map((p) => `${p.label} started on a busy machine (${Math.round((p.settle?.lastBusy ?? 0) * 100)}% CPU after ${Math.round(p.settle?.waitedS ?? 0)} s of waiting)`);
  const notes = [...failures, ...settles, ...report.phases.flatMap((p) => p.notes), ...report.notes];
  if (notes.length > 0) lines.push('', ...notes.map((n) => `- ${layout.escapeNotes ? cell(n) : n}`));
  return `${lines.join('\n')}\n`;
}
