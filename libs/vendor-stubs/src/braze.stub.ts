import { validateBrazeObject, type BrazeArray } from './braze-object';
import { isJsonObject, parseJson, type JsonObject } from './json-body';
import { FixedWindowLimiter, type RateLimitState } from './rate-limit';
import { type StubAccounts } from './stub-accounts';
import { epochSeconds, headerValue, isJsonContentType, json, SERVER_ERROR_TEXT, withHeaders, type StubRequest, type StubResponse } from './stub-http';
import { type ResolvedLimits } from './stub-limits';
import { type StubContext, type VendorStub } from './vendor-stub';

const ARRAYS: readonly BrazeArray[] = ['attributes', 'events', 'purchases'];
// "All API endpoints have a 4 MB payload limit" [DOC].
const MAX_BODY_BYTES = 4 * 1024 * 1024;
// The limit is per workspace; the stub serves one workspace.
const WORKSPACE = 'workspace';

const unauthorized = (reason: string): StubResponse => json(401, { message: 'Invalid API key', errors: [reason] });

/** Braze `POST /users/track`: asynchronous 201 with per-object errors, fatal 4xx for the whole request. */
export class BrazeStub implements VendorStub {
  readonly vendor = 'braze';
  readonly maxBodyBytes = MAX_BODY_BYTES;
  private readonly limiter: FixedWindowLimiter;
  private readonly keysWithoutPermission: ReadonlySet<string>;

  constructor(
    private readonly account: StubAccounts['braze'],
    private readonly limits: ResolvedLimits,
  ) {
    this.limiter = new FixedWindowLimiter(limits.brazeRequestsPer3s, 3_000);
    this.keysWithoutPermission = new Set(account.keysWithoutPermission ?? []);
  }

  handle(request: StubRequest, context: StubContext): StubResponse {
    // The rate-limit headers go on every answer [DOC]; refusals before the count show the window unchanged.
    const refused = (response: StubResponse) => withHeaders(response, rateHeaders(this.limiter.peek(WORKSPACE, request.nowMs)));
    // STUB-CHOICE: a trailing slash (`/users/track/`) is an unknown URL, 404.
    if (request.path !== '/users/track') return refused(json(404, { message: 'Not Found' }));
    if (request.method !== 'POST') return refused(json(405, { message: 'Method Not Allowed' }, { allow: 'POST' }));
    const authFailure = this.authFailure(headerValue(request.headers, 'authorization'));
    if (authFailure !== undefined) return refused(authFailure);
    const window = this.limiter.take(WORKSPACE, request.nowMs);
    const answer = (response: StubResponse) => withHeaders(response, rateHeaders(window));
    if (!window.allowed) return answer(json(429, { message: 'Rate Limit Exceeded' }));
    if (!isJsonContentType(request.headers)) return answer(json(415, { message: 'Unsupported Media Type', errors: ['Content-Type must be application/json'] }));
    if (request.bodyTooLarge) return answer(json(413, { message: 'Request Entity Too Large', errors: ['Payload must not exceed 4 MB'] }));
    const parsed = parseJson(request.body);
    if (!parsed.ok) return answer(json(400, { message: 'Error while parsing request body. Please check your syntax.' }));
    if (!isJsonObject(parsed.value)) return answer(json(400, { message: 'Request body must be a JSON object' }));
    const body = parsed.value;
    const notArray = ARRAYS.find((name) => body[name] !== undefined && !Array.isArray(body[name]));
    if (notArray !== undefined) return answer(json(400, { message: `'${notArray}' must be an array`, errors: [`'${notArray}' must be an array`] }));
    if (this.tooManyObjects(body)) return answer(json(400, { message: 'Max Input Length Exceeded' }));
    return answer(this.process(body, context));
  }

  injectedRateLimit(request: StubRequest, retryAfterSeconds: number | null): StubResponse {
    // STUB-CHOICE: the X-RateLimit-* headers stay (remaining 0); X-Ratelimit-Retry-After is added when set.
    const window = this.limiter.peek(WORKSPACE, request.nowMs);
    const headers = rateHeaders({ ...window, remaining: 0 });
    return json(429, { message: 'Rate Limit Exceeded' }, retryAfterSeconds === null ? headers : { ...headers, 'X-Ratelimit-Retry-After': String(retryAfterSeconds) });
  }

  injectedServerError(request: StubRequest, status: number): StubResponse {
    return json(status, { message: SERVER_ERROR_TEXT[status] ?? 'Server Error' }, rateHeaders(this.limiter.peek(WORKSPACE, request.nowMs)));
  }

  reset(): void {
    this.limiter.clear();
  }

  private authFailure(authorization: string | undefined): StubResponse | undefined {
    if (authorization === undefined || authorization === '') return unauthorized('Authorization header is missing');
    if (!authorization.startsWith('Bearer ')) return unauthorized("Authorization header must be 'Bearer <REST API key>'");
    const key = authorization.slice('Bearer '.length).trim();
    if (key === '' || key.startsWith('"') || key.startsWith("'")) return unauthorized('Authorization header is malformed');
    if (this.keysWithoutPermission.has(key)) return json(403, { message: 'Access Denied', errors: ['API key lacks the users.track permission'] });
    return key === this.account.apiKey ? undefined : unauthorized('Unknown REST API key');
  }

  private tooManyObjects(body: JsonObject): boolean {
    const max = this.limits.brazeMaxObjects;
    const counts = ARRAYS.map((name) => (Array.isArray(body[name]) ? body[name].length : 0));
    if (this.limits.brazeObjectLimitMode === 'per-array') return counts.some((count) => count > max);
    return counts.reduce((total, count) => total + count, 0) > max;
  }

  private process(body: JsonObject, context: StubContext): StubResponse {
    const response: Record<string, unknown> = { message: 'success' };
    const errors: { type: string; input_array: BrazeArray; index: number }[] = [];
    for (const name of ARRAYS) {
      const objects = body[name];
      if (!Array.isArray(objects)) continue;
      let processed = 0;
      objects.forEach((object: unknown, index) => {
        const result = validateBrazeObject(name, object);
        if (!result.ok) {
          context.reject();
          errors.push({ type: result.type, input_array: name, index });
        } else if (context.itemFails()) {
          context.reject();
          errors.push({ type: 'injected item failure', input_array: name, index });
        } else {
          // Every event is recorded as new: Braze does not dedupe [DOC].
          context.accept(result.item);
          processed += 1;
        }
      });
      response[`${name}_processed`] = processed;
    }
    if (errors.length > 0) response.errors = errors;
    return json(201, response);
  }
}

function rateHeaders(window: RateLimitState): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(window.limit),
    'X-RateLimit-Remaining': String(window.remaining),
    'X-RateLimit-Reset': String(epochSeconds(window.resetAtMs)),
  };
}
