// One HTTP phase: a warm-up, then a measured run of fixed duration and connection count, with a
// fresh body (a unique transactionId) built for every request through autocannon's setupRequest.
import type autocannon from 'autocannon';
import { type HttpLoadFigures, jsonHeaders, loadFigures, startAutocannon } from '../shared/autocannon-run';
import { type BatchCount } from './batch-response';

export interface HttpPhaseSpec {
  readonly title: string;
  /** Always http://127.0.0.1:<port>: the benchmark loads nothing but this machine. */
  readonly baseUrl: string;
  readonly path: string;
  readonly apiKey: string;
  readonly connections: number;
  readonly warmupS: number;
  readonly durationS: number;
  readonly nextBody: () => string;
  /** What one 2xx answer accepted, in the phase's unit (events or purchases). */
  readonly countUnits: (body: string) => BatchCount;
}

export interface HttpPhaseResult extends HttpLoadFigures {
  readonly responses: number;
  readonly acceptedUnits: number;
  /** Items a 2xx answer reported as not recorded (batch answers only). */
  readonly failedUnitsIn2xx: number;
  /** The warm-up got no 2xx at all; the measured run was skipped and these are its figures. */
  readonly failedInWarmup: boolean;
}

interface Tally {
  accepted: number;
  failed: number;
  firstError: string | undefined;
}

function fire(spec: HttpPhaseSpec, durationS: number, tally: Tally): Promise<autocannon.Result> {
  const headers = jsonHeaders(spec.apiKey);
  return startAutocannon({
    url: `${spec.baseUrl}${spec.path}`,
    connections: spec.connections,
    duration: durationS,
    timeout: 10,
    method: 'POST',
    headers,
    requests: [
      {
        method: 'POST',
        path: spec.path,
        headers,
        setupRequest: (request) => ({ ...request, body: spec.nextBody() }),
        onResponse: (status, body) => {
          const count = status >= 200 && status < 300 ? spec.countUnits(body) : undefined;
          tally.accepted += count?.accepted ?? 0;
          tally.failed += count?.failed ?? 0;
          if ((count === undefined || count.failed > 0) && tally.firstError === undefined) tally.firstError = `${status} ${body.slice(0, 400)}`;
        },
      },
    ],
  }).done;
}

function summarise(result: autocannon.Result, tally: Tally, failedInWarmup: boolean): HttpPhaseResult {
  return {
    ...loadFigures(result, tally.firstError),
    responses: result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'],
    acceptedUnits: tally.accepted,
    failedUnitsIn2xx: tally.failed,
    failedInWarmup,
  };
}

/**
 * Warms up (JIT, connection pools, Kafka producer metadata), then measures. A warm-up that got no
 * 2xx at all means the endpoint or payload is not accepted: the measured run would only repeat
 * that, so it is skipped and the warm-up's figures are returned as a failure.
 */
export async function runHttpPhase(spec: HttpPhaseSpec): Promise<HttpPhaseResult> {
  console.error(`[bench] ${spec.title}: warm-up ${spec.warmupS} s, ${spec.connections} connections`);
  const warmTally: Tally = { accepted: 0, failed: 0, firstError: undefined };
  const warm = await fire(spec, spec.warmupS, warmTally);
  if (warm['2xx'] === 0) return summarise(warm, warmTally, true);
  console.error(`[bench] ${spec.title}: measuring ${spec.durationS} s`);
  const tally: Tally = { accepted: 0, failed: 0, firstError: undefined };
  return summarise(await fire(spec, spec.durationS, tally), tally, false);
}
