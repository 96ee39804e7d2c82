import { idText, isJsonObject, parseJson } from './json-body';
import { type StubAccounts } from './stub-accounts';
import { headerValue, isJsonContentType, json, SERVER_ERROR_TEXT, type StubRequest, type StubResponse } from './stub-http';
import { type StubContext, type VendorStub } from './vendor-stub';
import { verifyWebhookSignature } from './webhook-signature';

const ENDPOINT = /^\/[^/]+$/;
// STUB-CHOICE: a receiver's body limit of 1 MB.
const MAX_BODY_BYTES = 1024 * 1024;

const error = (status: number, message: string): StubResponse => json(status, { error: message });

/**
 * A customer's signed-webhook endpoint, `POST /webhooks/{endpointName}`. It accepts redeliveries
 * of an event id (receivers are told to dedupe), so the stats show every one of them.
 */
export class WebhookReceiverStub implements VendorStub {
  readonly vendor = 'webhooks';
  readonly maxBodyBytes = MAX_BODY_BYTES;

  constructor(private readonly account: StubAccounts['webhooks']) {}

  handle(request: StubRequest, context: StubContext): StubResponse {
    if (!ENDPOINT.test(request.path)) return error(404, 'not found');
    if (request.method !== 'POST') return json(405, { error: 'method not allowed' }, { allow: 'POST' });
    if (!isJsonContentType(request.headers)) return error(415, 'content-type must be application/json');
    if (request.bodyTooLarge) return error(413, 'body larger than 1 MB');
    const rawBody = request.body.toString('utf8');
    const signature = verifyWebhookSignature(this.account.secret, headerValue(request.headers, 'loyalty-signature'), rawBody, Math.floor(request.nowMs / 1000));
    if (!signature.ok) return error(401, signature.reason);
    const eventId = headerValue(request.headers, 'loyalty-event-id');
    if (eventId === undefined || eventId === '') return error(400, 'missing Loyalty-Event-Id header');
    const deliveryId = headerValue(request.headers, 'loyalty-delivery-id');
    if (deliveryId === undefined || deliveryId === '') return error(400, 'missing Loyalty-Delivery-Id header');
    const parsed = parseJson(request.body);
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      context.reject();
      return error(400, 'body must be a JSON object');
    }
    if (context.itemFails()) {
      context.reject();
      return error(400, 'injected item failure');
    }
    const body = parsed.value;
    context.accept({ kind: 'webhook', customerId: idText(body.memberId) ?? '', eventId, name: typeof body.type === 'string' ? body.type : null, payload: body });
    return { status: 204 };
  }

  injectedRateLimit(_request: StubRequest, retryAfterSeconds: number | null): StubResponse {
    return json(429, { error: 'too many requests' }, retryAfterSeconds === null ? undefined : { 'retry-after': String(retryAfterSeconds) });
  }

  injectedServerError(_request: StubRequest, status: number): StubResponse {
    return error(status, (SERVER_ERROR_TEXT[status] ?? 'server error').toLowerCase());
  }

  reset(): void {
    // No state beyond the received log.
  }
}
