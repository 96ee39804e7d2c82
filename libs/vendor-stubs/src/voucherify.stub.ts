import { HexIds } from './hex-ids';
import { isJsonObject, parseJson } from './json-body';
import { FixedWindowLimiter, type RateLimitState } from './rate-limit';
import { type StubAccounts } from './stub-accounts';
import { epochSeconds, headerValue, isJsonContentType, json, SERVER_ERROR_TEXT, secondsUntil, withHeaders, type StubRequest, type StubResponse } from './stub-http';
import { type ResolvedLimits } from './stub-limits';
import { upsertVoucherifyCustomer } from './voucherify-customer-upsert';
import { VoucherifyCustomers } from './voucherify-customers';
import { invalidPayload, voucherifyError } from './voucherify-error';
import { trackVoucherifyEvent } from './voucherify-events';
import { type StubContext, type VendorStub } from './vendor-stub';

// The bulk endpoint's documented cap; the single endpoints document none.
const MAX_BODY_BYTES = 10_485_760;
const PROJECT = 'project';
const TOO_MANY = 'Too many requests hit the API too quickly.';
const CUSTOMER_PATH = /^\/v1\/customers\/([^/]+)$/;

interface Route {
  readonly name: 'create-customer' | 'update-customer' | 'track-event';
  readonly method: 'POST' | 'PUT';
  readonly customerId?: string;
}

/** Voucherify: customer upsert and update, custom events. Errors carry code, key, message and request_id [DOC]. */
export class VoucherifyStub implements VendorStub {
  readonly vendor = 'voucherify';
  readonly maxBodyBytes = MAX_BODY_BYTES;
  private readonly ids = new HexIds();
  private readonly customers = new VoucherifyCustomers(this.ids);
  private readonly limiter: FixedWindowLimiter;
  private readonly eventSchema: ReadonlySet<string>;

  constructor(private readonly account: StubAccounts['voucherify'], limits: ResolvedLimits) {
    this.limiter = new FixedWindowLimiter(limits.voucherifyRequestsPerMinute, 60_000);
    this.eventSchema = new Set(account.eventSchema);
  }

  handle(request: StubRequest, context: StubContext): StubResponse {
    const refused = (response: StubResponse) => withHeaders(response, rateHeaders(this.limiter.peek(PROJECT, request.nowMs)));
    const route = routeOf(request.path);
    if (route === undefined) return refused(voucherifyError(this.ids, 404, 'not_found', 'Resource not found', { details: `Cannot find route ${request.path}` }));
    if (headerValue(request.headers, 'x-app-id') !== this.account.appId || headerValue(request.headers, 'x-app-token') !== this.account.appToken) {
      // The documented body has no request_id; the contract asks for one on every error.
      return refused(voucherifyError(this.ids, 401, 'unauthorized', 'Unauthorized'));
    }
    const window = this.limiter.take(PROJECT, request.nowMs);
    const answer = (response: StubResponse) => withHeaders(response, rateHeaders(window));
    if (!window.allowed) {
      const retryAfter = secondsUntil(window.resetAtMs, request.nowMs);
      return answer(this.tooMany({ 'Retry-After': String(retryAfter), 'X-Rate-Limit-Type': 'api_calls' }));
    }
    if (request.method !== route.method) {
      return answer(withHeaders(voucherifyError(this.ids, 405, 'method_not_allowed', 'Method Not Allowed', { details: `Allowed methods: ${route.method}` }), { allow: route.method }));
    }
    if (!isJsonContentType(request.headers)) return answer(voucherifyError(this.ids, 415, 'unsupported_media_type', 'Unsupported Media Type', { details: 'Content-Type must be application/json' }));
    if (request.bodyTooLarge) {
      // The framework-style body Voucherify documents for its size limit.
      return answer(json(413, { statusCode: 413, error: 'Request Entity Too Large', message: `Payload content length greater than maximum allowed: ${MAX_BODY_BYTES}` }));
    }
    const parsed = parseJson(request.body);
    if (!parsed.ok) return answer(invalidPayload(this.ids, 'Request body is not valid JSON'));
    if (!isJsonObject(parsed.value)) return answer(invalidPayload(this.ids, 'Request body must be an object'));
    const nowIso = new Date(request.nowMs).toISOString();
    if (route.name === 'track-event') return answer(trackVoucherifyEvent(parsed.value, this.eventSchema, this.customers, this.ids, context, nowIso));
    return answer(upsertVoucherifyCustomer(route.customerId, parsed.value, this.customers, this.ids, context, nowIso));
  }

  injectedRateLimit(request: StubRequest, retryAfterSeconds: number | null): StubResponse {
    const window = this.limiter.peek(PROJECT, request.nowMs);
    const retry: Record<string, string> =
      retryAfterSeconds === null ? {} : { 'Retry-After': String(retryAfterSeconds), 'X-Rate-Limit-Retry': String(Math.ceil(request.nowMs / 1000) + retryAfterSeconds) };
    return withHeaders(this.tooMany({ ...retry, 'X-Rate-Limit-Type': 'api_calls' }), {
      'X-Rate-Limit-Limit': String(window.limit),
      'X-Rate-Limit-Remaining': '0',
    });
  }

  injectedServerError(request: StubRequest, status: number): StubResponse {
    const text = SERVER_ERROR_TEXT[status] ?? 'Server Error';
    const response = voucherifyError(this.ids, status, text.toLowerCase().replaceAll(' ', '_'), text);
    return withHeaders(response, rateHeaders(this.limiter.peek(PROJECT, request.nowMs)));
  }

  reset(): void {
    this.limiter.clear();
    this.customers.clear();
  }

  private tooMany(headers: Record<string, string>): StubResponse {
    return json(429, { code: 429, message: TOO_MANY, key: 'too_many_requests', request_id: this.ids.next('v-') }, headers);
  }
}

function routeOf(path: string): Route | undefined {
  if (path === '/v1/customers') return { name: 'create-customer', method: 'POST' };
  if (path === '/v1/events') return { name: 'track-event', method: 'POST' };
  const match = CUSTOMER_PATH.exec(path);
  if (match === null) return undefined;
  try {
    return { name: 'update-customer', method: 'PUT', customerId: decodeURIComponent(match[1] ?? '') };
  } catch {
    return undefined;
  }
}

function rateHeaders(window: RateLimitState): Record<string, string> {
  return {
    'X-Rate-Limit-Limit': String(window.limit),
    'X-Rate-Limit-Remaining': String(window.remaining),
    'X-Rate-Limit-Retry': String(epochSeconds(window.resetAtMs)),
  };
}
