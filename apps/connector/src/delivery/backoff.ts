export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * How long to wait before attempt `attempt + 1` (the first retry has `attempt` 1): exponential with
 * full jitter (a random point of [0, min(max, base·2^attempt)]), so many clients failing at once do
 * not all come back at once. When the vendor says when (Retry-After and its kin), that wins, plus a
 * little jitter, capped at an hour so a wrong header cannot park a destination for good.
 *
 * @example
 * backoffMs({ baseMs: 250, maxMs: 60_000 }, 3, null, Math.random); // somewhere in [0, 2000]
 * backoffMs({ baseMs: 250, maxMs: 60_000 }, 1, 5_000, () => 0.5);   // 5250
 */
export function backoffMs(policy: BackoffPolicy, attempt: number, vendorSaysMs: number | null, random: () => number): number {
  if (vendorSaysMs !== null) return Math.min(3_600_000, vendorSaysMs + Math.floor(random() * Math.min(1_000, policy.baseMs * 2)));
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
