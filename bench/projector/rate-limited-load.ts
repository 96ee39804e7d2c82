// An HTTP load at a fixed rate (autocannon's overallRate), for a duration, with a path and body
// built per request. Latencies are autocannon's, corrected for coordinated omission (a request
// the rate wanted sent while the connections were busy counts from when it should have left).
import autocannon from 'autocannon';

export interface RateLimitedSpec {
  readonly title: string;
  /** Always http://127.0.0.1:<port>: the benchmark loads nothing but this machine. */
  readonly baseUrl: string;
  readonly method: 'GET' | 'POST';
  readonly apiKey: string;
  readonly connections: number;
  readonly overallRate: number;
  readonly durationS: number;
  readonly nextPath: () => string;
  readonly nextBody?: () => string;
}

export interface RateLimitedResult {
  readonly durationS: number;
  readonly ok: number;
  readonly non2xx: number;
  /** Connection errors, timeouts included. */
  readonly socketErrors: number;
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly firstError: string | undefined;
}

export interface RunningLoad {
  readonly done: Promise<RateLimitedResult>;
  stop(): void;
}

// autocannon stops itself at `duration`; this only catches a run that never reports back.
const WATCHDOG_GRACE_MS = 30_000;

export function startRateLimited(spec: RateLimitedSpec): RunningLoad {
  const headers = { 'content-type': 'application/json', 'x-api-key': spec.apiKey };
  let firstError: string | undefined;
  // A holder, not a binding: autocannon may call back synchronously (on invalid options).
  const state: { instance?: autocannon.Instance; watchdog?: NodeJS.Timeout; finished?: boolean } = {};
  const done = new Promise<RateLimitedResult>((resolve, reject) => {
    state.instance = autocannon(
      {
        url: `${spec.baseUrl}${spec.nextPath()}`,
        connections: spec.connections,
        overallRate: spec.overallRate,
        duration: spec.durationS,
        timeout: 10,
        method: spec.method,
        headers,
        requests: [
          {
            method: spec.method,
            headers,
            setupRequest: (request) => ({ ...request, path: spec.nextPath(), ...(spec.nextBody === undefined ? {} : { body: spec.nextBody() }) }),
            onResponse: (status, body) => {
              if ((status < 200 || status >= 300) && firstError === undefined) firstError = `${status} ${body.slice(0, 400)}`;
            },
          },
        ],
      },
      (error: unknown, result) => {
        state.finished = true;
        clearTimeout(state.watchdog);
        if (error !== null && error !== undefined) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const statusCodes: Record<string, number> = {};
        for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
        resolve({
          durationS: result.duration,
          ok: result['2xx'],
          non2xx: result.non2xx,
          socketErrors: result.errors,
          statusCodes,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          firstError: firstError ?? (result.errors > 0 ? `${result.errors} connection errors (${result.timeouts} timeouts)` : undefined),
        });
      },
    );
  });
  if (state.finished !== true) state.watchdog = setTimeout(() => state.instance?.stop(), spec.durationS * 1_000 + WATCHDOG_GRACE_MS);
  return {
    done,
    stop: () => {
      clearTimeout(state.watchdog);
      state.instance?.stop();
    },
  };
}
