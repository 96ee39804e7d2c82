// Renders one run as Markdown: printed to the terminal and inserted into bench/README.md, so what
// the terminal shows and what is kept are the same text.
import { type MachineInfo } from '../ingestion/machine-info';
import { type PeakRss } from '../ingestion/peak-rss';
import { type PhaseId, type PhaseOutcome, meetsTarget } from './phase-outcome';

export interface RunReport {
  readonly startedAt: Date;
  readonly machine: MachineInfo;
  /** One sentence on the backlog and the timed phases' durations. */
  readonly setup: string;
  readonly smoke: boolean;
  readonly phases: readonly PhaseOutcome[];
  readonly peaks: readonly PeakRss[];
  readonly notes: readonly string[];
}

const APPLY_PHASES: readonly PhaseId[] = ['steady', 'naive'];

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '—' : n < 10 ? n.toFixed(1) : int(n));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(1)}×`);
/** Small shares keep two significant digits: 0.25 % and 0.31 % must not both print as 0 %. */
const share = (a: number | undefined, b: number | undefined) => {
  if (a === undefined || b === undefined || b === 0) return '—';
  const pct = (a / b) * 100;
  return `${pct >= 10 ? Math.round(pct) : pct.toPrecision(2)} %`;
};
const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

function rateOf(phases: readonly PhaseOutcome[], id: PhaseId): number | undefined {
  return phases.find((p) => p.id === id)?.rate;
}

function phaseRow(p: PhaseOutcome, phases: readonly PhaseOutcome[]): string {
  const applies = APPLY_PHASES.includes(p.id);
  const vsKafka = applies ? share(p.rate, rateOf(phases, 'kafka-consume')) : '—';
  // Events per second over rows per second: an event costs the projector several row writes.
  const vsPostgres = applies ? share(p.rate, rateOf(phases, 'postgres-raw')) : '—';
  const vsNaive = p.id === 'naive' ? ratio(rateOf(phases, 'steady'), p.rate) : '—';
  const met = meetsTarget(p);
  const verdict = p.failed ? '**FAILED**' : met === undefined ? '—' : met ? 'met' : 'missed';
  const rate = p.rate === undefined ? '—' : `${int(p.rate)} ${p.unit}`;
  const errors = p.errors === 0 ? '0' : `${int(p.errors)} (${cell(p.errorDetail)})`;
  return `| ${p.label} | ${cell(p.load)} | ${rate} | ${ms(p.p50Ms)} | ${ms(p.p99Ms)} | ${errors} | ${vsKafka} | ${vsPostgres} | ${vsNaive} | ${p.target?.label ?? '—'} | ${verdict} |`;
}

function peakRow(peak: PeakRss): string {
  const mib = peak.kib === undefined ? '—' : int(peak.kib / 1024);
  return `| ${peak.process} | ${peak.pid ?? '—'} | ${mib} | ${cell(peak.note)} |`;
}

export function renderRun(report: RunReport): string {
  const { machine } = report;
  const when = report.startedAt.toISOString().replace('T', ' ').slice(0, 16);
  const lines = [
    `#### ${when} UTC${report.smoke ? ' (smoke run: shortened knobs, not comparable)' : ''}`,
    '',
    `Machine: ${machine.cores} cores, ${machine.memTotalGiB} GiB, ${machine.cpuModel}. ${report.setup}`,
    '',
    '| phase | load | rate | p50 ms | p99 ms | errors | of Kafka raw | of Postgres raw | steady ÷ naive | target | verdict |',
    '|---|---|---:|---:|---:|---|---:|---:|---:|---|---|',
    ...report.phases.map((p) => phaseRow(p, report.phases)),
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
  if (notes.length > 0) lines.push('', ...notes.map((n) => `- ${cell(n)}`));
  return `${lines.join('\n')}\n`;
}
