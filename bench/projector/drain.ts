// A drain (a consumer working through the pre-filled backlog) is timed from the moment its consumer
// group is joined (fetching starts right after) to the end of every partition, and every event of
// the backlog is counted: start-up before the join (Node and Nest boot, connections, the broker's
// initial rebalance delay) is reported apart. It is bounded: an overall timeout, and a stall limit
// (no progress for a while means a stuck consumer, which must fail its phase rather than hold the run).

export interface DrainResult {
  /** Events drained after the group join: the whole backlog (or the naive projector's share of it). */
  readonly events: number;
  /** From the group join to the end of every partition. */
  readonly durationS: number;
  /** From the start (consumer connect, process spawn) to the group join. */
  readonly startupS: number;
  /** From the group join to the first progress (first batch handed over, first apply committed). */
  readonly firstProgressS: number | undefined;
  readonly error: string | undefined;
}

/**
 * Waits for `drained`, or returns why not: the overall timeout, or no progress for `stallS`.
 * `progress()` gives the time of the last progress (performance.now()) and of the start.
 */
export async function raceDrain(drained: Promise<void>, progress: () => { progressAt: number; started: number }, timeoutS: number, stallS: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const watch = new Promise<string>((resolve) => {
    timer = setInterval(() => {
      const now = performance.now();
      const { progressAt, started } = progress();
      if (now - started > timeoutS * 1_000) resolve(`not drained within ${timeoutS} s`);
      else if (now - progressAt > stallS * 1_000) resolve(`no progress for ${stallS} s`);
    }, 250);
  });
  try {
    return await Promise.race([drained.then(() => undefined), watch]);
  } finally {
    clearInterval(timer);
  }
}

/** A drain's times (performance.now() values in, seconds out), from the join when there was one. */
export function drainTimes(started: number, joinedAt: number | undefined, firstAt: number | undefined, endAt: number): Pick<DrainResult, 'durationS' | 'startupS' | 'firstProgressS'> {
  const from = joinedAt ?? started;
  return {
    durationS: (endAt - from) / 1_000,
    startupS: (from - started) / 1_000,
    firstProgressS: firstAt === undefined ? undefined : (firstAt - from) / 1_000,
  };
}
