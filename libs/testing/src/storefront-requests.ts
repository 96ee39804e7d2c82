import { type TestSystem } from './test-system';

/** One storefront call to ingestion's HTTP API, on behalf of one member of one tenant. */
export interface StorefrontRequest {
  readonly tenantId: string;
  readonly memberId: string;
  readonly method: 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
}

/** What came back: `<method> <path pattern> <status>` → count (a purchase batch counts each purchase). */
export type StatusCounts = Record<string, number>;

const ACCEPTED = new Set([200, 202, 409]);
const pattern = (request: StorefrontRequest) =>
  `${request.method} ${request.path
    .split('/')
    .map((segment, i) => (i > 2 && /\d/.test(segment) ? '{id}' : segment))
    .join('/')}`;

/**
 * Sends the requests, each member's in the given order (one at a time), members `concurrency` at
 * a time. 503s and dropped connections are retried (every request carries the storefront's own id,
 * so a retry is a resend). Anything but 2xx and 409 (a business refusal such as too few points)
 * fails: the workload is meant to be valid.
 */
export async function sendStorefrontRequests(system: TestSystem, requests: readonly StorefrontRequest[], concurrency = 24): Promise<StatusCounts> {
  const byMember = new Map<string, StorefrontRequest[]>();
  for (const r of requests) byMember.set(`${r.tenantId}|${r.memberId}`, [...(byMember.get(`${r.tenantId}|${r.memberId}`) ?? []), r]);
  const queues = [...byMember.values()];
  const counts: StatusCounts = {};
  const count = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
  const worker = async () => {
    for (let queue = queues.shift(); queue !== undefined; queue = queues.shift()) {
      for (const request of queue) {
        const { status, body } = await send(system, request);
        const statuses = status === 207 ? (body as { results: { status: number; body: unknown }[] }).results : [{ status, body }];
        for (const result of statuses) {
          count(`${pattern(request)} ${result.status}`);
          if (!ACCEPTED.has(result.status) && !(result.status >= 200 && result.status < 300)) {
            throw new Error(`${request.method} ${request.path} answered ${result.status}: ${JSON.stringify(result.body)}\nrequest: ${JSON.stringify(request.body)}`);
          }
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return counts;
}

async function send(system: TestSystem, request: StorefrontRequest): Promise<{ status: number; body: unknown }> {
  const url = `${system.ingestion[0]?.baseUrl ?? ''}${request.path}`;
  const headers: Record<string, string> = { 'x-api-key': system.credentials.apiKeys[request.tenantId] ?? 'no-key' };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, { method: request.method, headers, body: request.body === undefined ? null : JSON.stringify(request.body), signal: AbortSignal.timeout(30_000) }).catch(
      (error: unknown) => error as Error,
    );
    if (!(response instanceof Error) && response.status !== 503) return { status: response.status, body: await response.json().catch(() => null) };
    if (attempt >= 20) throw new Error(`${request.method} ${request.path} kept failing: ${response instanceof Error ? response.message : '503'}`);
    await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
  }
}
