// The demo's HTTP calls to ingestion and the query API, and the checks on their answers: anything
// unexpected throws, with the status and problem code, so the demo stops loudly.
import { z } from 'zod';
import { signStorefrontRequest } from '@loyalty/http';
import { INGESTION, QUERY, TENANT } from './demo-settings';

/** How long a read retries while the projection has not applied the consistency token (503). */
const READ_WAIT_MS = 30_000;

export interface Answer {
  readonly status: number;
  readonly replayed: boolean;
  readonly body: unknown;
}

export const problemSchema = z.object({ code: z.string(), detail: z.string().optional() });

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function send(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new Error(`${init.method} ${url}: cannot connect (${error instanceof Error ? error.message : String(error)}); is the system up? (npm start)`);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON: kept as text for the error message.
  }
  return { status: response.status, replayed: response.headers.get('idempotent-replayed') === 'true', body };
}

export function describe(answer: Answer): string {
  const problem = problemSchema.safeParse(answer.body);
  if (problem.success) return `${answer.status} ${problem.data.code}${problem.data.detail === undefined ? '' : `: ${problem.data.detail}`}`;
  return `${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
}

/** The answer's body, when it has the expected status and shape; otherwise the demo stops. */
export function expectAnswer<T>(what: string, answer: Answer, status: number, schema: z.ZodType<T>): T {
  if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${describe(answer)}`);
  const parsed = schema.safeParse(answer.body);
  if (!parsed.success) throw new Error(`${what}: unexpected answer ${JSON.stringify(answer.body).slice(0, 300)} (${parsed.error.issues[0]?.message ?? ''})`);
  return parsed.data;
}

export function postJson(path: string, key: string, body: unknown): Promise<Answer> {
  return send(`${INGESTION}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });
}

/**
 * A storefront webhook: no API key; the tenant and an HMAC of `<timestamp>.<raw body>` instead.
 * The timestamp is the real time, not the stack's adjustable clock: the replay window is checked
 * against the machine's clock, whatever the clock of the business rules says.
 */
export function postSigned(path: string, secret: string, body: unknown): Promise<Answer> {
  const raw = JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/json',
    'x-tenant-id': TENANT,
    'x-signature-timestamp': String(timestamp),
    'x-signature': signStorefrontRequest(secret, timestamp, Buffer.from(raw)),
  };
  return send(`${INGESTION}${path}`, { method: 'POST', headers, body: raw });
}

const accepted = { eventIds: z.array(z.string()).min(1), consistencyToken: z.string() };
export const enrolledSchema = z.object({ memberId: z.string(), enrolled: z.literal(true), ...accepted });
export const purchasedSchema = z.object({ transactionId: z.string(), points: z.number().int(), pending: z.boolean(), ...accepted });
export const activitySchema = z.object({ activityId: z.string(), points: z.number().int(), limited: z.boolean(), ...accepted });
export const returnedSchema = z.object({ returnId: z.string(), pointsReversed: z.number().int(), ...accepted });
export const redeemedSchema = z.object({
  redemptionId: z.string(),
  points: z.number().int(),
  buckets: z.array(z.object({ bucketId: z.string(), points: z.number().int() })),
  ...accepted,
});

/** A member's reads: the API key, and the consistency token of the last write (or event) they must reflect. */
export interface MemberReader {
  readonly key: string;
  readonly memberId: string;
  readonly token: string;
}

/** `/v1/members/<member>/<path>?<params>`: encoded to be sent, or readable to be printed. */
export function memberPath(member: Pick<MemberReader, 'memberId'>, path: string, params: Record<string, string>, readable = true): string {
  const query = readable ? Object.entries(params).map(([name, value]) => `${name}=${value}`).join('&') : new URLSearchParams(params).toString();
  return `/v1/members/${encodeURIComponent(member.memberId)}/${path}${query === '' ? '' : `?${query}`}`;
}

/**
 * A member query carrying the consistency token: the query API answers once the projection has
 * applied that position, or 503 with Retry-After past its bound; the demo then retries.
 */
export async function queryMember<T>(reader: MemberReader, what: string, path: string, params: Record<string, string>, schema: z.ZodType<T>): Promise<T> {
  const url = `${QUERY}${memberPath(reader, path, { ...params, consistencyToken: reader.token }, false)}`;
  const deadline = Date.now() + READ_WAIT_MS;
  for (;;) {
    const answer = await send(url, { method: 'GET', headers: { 'x-api-key': reader.key } });
    if (answer.status !== 503 || Date.now() > deadline) return expectAnswer(what, answer, 200, schema);
    await sleep(1_000);
  }
}
