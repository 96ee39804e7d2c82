// One autocannon run as both harnesses drive it (the ingestion benchmark's HTTP phases, the
// projector benchmark's fixed-rate loads): JSON requests with the dev API key, a watchdog, and the
// figures the phase tables are made of, read the same way from autocannon's result.
import autocannon from 'autocannon';

/** What every HTTP load reports; each harness adds what it counts itself. */
export interface HttpLoadFigures {
  readonly durationS: number;
  readonly non2xx: number;
  /** Connection errors, timeouts included. */
  readonly socketErrors: number;
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The first error answer's status and body (or the connection errors), to say why a phase failed. */
  readonly firstError: string | undefined;
}

export interface AutocannonRun {
  readonly done: Promise<autocannon.Result>;
  stop(): void;
}

// autocannon stops itself at `duration`; this only catches a run that never reports back.
const WATCHDOG_GRACE_MS = 30_000;

export const jsonHeaders = (apiKey: string) => ({ 'content-type': 'application/json', 'x-api-key': apiKey });

/** Starts autocannon for `options.duration` seconds; `done` rejects on autocannon's error. */
export function startAutocannon(options: autocannon.Options & { readonly duration: number }): AutocannonRun {
  // A holder, not a binding: autocannon may call back synchronously (on invalid options).
  const state: { instance?: autocannon.Instance; watchdog?: NodeJS.Timeout; finished?: boolean } = {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    state.instance = autocannon(options, (error: unknown, result) => {
      state.finished = true;
      clearTimeout(state.watchdog);
      if (error !== null && error !== undefined) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(result);
    });
  });
  if (state.finished !== true) state.watchdog = setTimeout(() => state.instance?.stop(), options.duration * 1_000 + WATCHDOG_GRACE_MS);
  return {
    done,
    stop: () => {
      clearTimeout(state.watchdog);
      state.instance?.stop();
    },
  };
}

/** The figures of a finished run; `firstError` is the first error answer the caller saw, if any. */
export function loadFigures(result: autocannon.Result, firstError: string | undefined): HttpLoadFigures {
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
  return {
    durationS: result.duration,
    non2xx: result.non2xx,
    socketErrors: result.errors,
    statusCodes,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    firstError: firstError ?? (result.errors > 0 ? `${result.errors} connection errors (${result.timeouts} timeouts)` : undefined),
  };
}
