// Latency percentiles of the raw-limit phases (Kafka, Postgres), computed the same way for both so
// their p50/p99 columns compare. (The HTTP phases take autocannon's own histogram.)

/** Nearest-rank percentile of ascending `sorted`; NaN when there is no sample. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
