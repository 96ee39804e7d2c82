/** The total consumer lag as seen at one moment. */
export interface LagSample {
  readonly atMs: number;
  readonly totalLag: number;
}

export type LagState =
  /** Not measured yet (the consumer has not joined its group). */
  | 'unmeasured'
  | 'within-bound'
  /** Above the bound, but lower than a window ago: a backlog being worked off. */
  | 'draining'
  /** Above the bound, and not observed for a whole window yet: given the benefit of the doubt. */
  | 'observing'
  /** Above the bound and no lower than a window ago: the projector is not catching up. */
  | 'stalled';

export interface LagVerdict {
  readonly healthy: boolean;
  readonly state: LagState;
}

export interface LagPolicy {
  /** Lag up to which the projector is healthy whatever the trend. */
  readonly maxHealthyLag: number;
  /** How far back "shrinking" looks; longer than the lag refresh and than bursts of new events. */
  readonly windowMs: number;
}

/**
 * Whether a lag is healthy: within the bound, or above it but shrinking, compared with the newest
 * sample at least one window old. A projector draining a backlog is thus never reported down (an
 * orchestrator restarting it would only slow it), one that stopped progressing is.
 */
export function judgeLag(history: readonly LagSample[], current: LagSample | undefined, policy: LagPolicy): LagVerdict {
  if (current === undefined) return { healthy: true, state: 'unmeasured' };
  if (current.totalLag <= policy.maxHealthyLag) return { healthy: true, state: 'within-bound' };
  const reference = history.findLast((s) => s.atMs <= current.atMs - policy.windowMs);
  if (reference === undefined) return { healthy: true, state: 'observing' };
  return current.totalLag < reference.totalLag ? { healthy: true, state: 'draining' } : { healthy: false, state: 'stalled' };
}

/** Samples at least this far apart are kept, so frequent health checks cannot grow the history. */
const MIN_SAMPLE_SPACING_MS = 1_000;

/**
 * The recent lag samples of one projector and the verdict on each new one. History is kept back to
 * the newest sample older than the window: what the next verdict needs, no more.
 */
export class LagTrend {
  private samples: LagSample[] = [];

  constructor(private readonly policy: LagPolicy) {}

  /** Judges the current lag against the history, then records it. */
  judge(atMs: number, totalLag: number | undefined): LagVerdict {
    const current = totalLag === undefined ? undefined : { atMs, totalLag };
    const verdict = judgeLag(this.samples, current, this.policy);
    if (current !== undefined) this.record(current);
    return verdict;
  }

  private record(sample: LagSample): void {
    const last = this.samples.at(-1);
    if (last !== undefined && sample.atMs - last.atMs < MIN_SAMPLE_SPACING_MS) return;
    this.samples.push(sample);
    const oldestNeeded = this.samples.findLastIndex((s) => s.atMs <= sample.atMs - this.policy.windowMs);
    if (oldestNeeded > 0) this.samples = this.samples.slice(oldestNeeded);
  }
}
