// An HTTP load at a fixed rate (autocannon's overallRate), for a duration, with a path and body
// built per request. Latencies are autocannon's, corrected for coordinated omission (a request
// the rate wanted sent while the connections were busy counts from when it should have left).
import { type AutocannonRun, type HttpLoadFigures, jsonHeaders, loadFigures, startAutocannon } from '../shared/autocannon-run';

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

export interface RateLimitedResult extends HttpLoadFigures {
  readonly ok: number;
}

export interface RunningLoad {
  readonly done: Promise<RateLimitedResult>;
  stop(): void;
}

export function startRateLimited(spec: RateLimitedSpec): RunningLoad {
  const headers = jsonHeaders(spec.apiKey);
  let firstError: string | undefined;
  const run: AutocannonRun = startAutocannon({
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
  });
  return {
    done: run.done.then((result) => ({ ...loadFigures(result, firstError), ok: result['2xx'] })),
    stop: run.stop,
  };
}
