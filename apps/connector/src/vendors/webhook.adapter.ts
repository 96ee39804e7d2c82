import { type WebhookDestination } from '../destinations/destination-config';
import { retryAfterMs, statusClass } from './retry-after';
import { type DeliveryItem, type VendorAdapter, type VendorRequest, type VendorResponse, type Verdict, excerpt } from './vendor-adapter';
import { signWebhook } from './webhook-signature';

export interface WebhookCredentials {
  readonly url: string;
  readonly signingSecret: string;
}

/**
 * A signed webhook per event: the public event as JSON, with `Loyalty-Event-Id` (stable: receivers
 * deduplicate by it), `Loyalty-Delivery-Id` (one per delivery, kept across its retries) and
 * `Loyalty-Signature`, computed anew for each attempt.
 */
export class WebhookAdapter implements VendorAdapter {
  constructor(
    private readonly config: WebhookDestination,
    private readonly credentials: WebhookCredentials,
  ) {}

  build(items: readonly DeliveryItem[]): VendorRequest[] {
    return items.map((item) => {
      const { event } = item;
      const body = JSON.stringify({ id: event.eventId, type: event.type, tenantId: event.tenantId, memberId: event.memberId, occurredAt: event.occurredAt, destination: this.config.name, data: event });
      return {
        method: 'POST',
        url: this.credentials.url,
        body,
        parts: [{ eventId: event.eventId, array: '', index: 0 }],
        eventIds: [event.eventId],
        headers: { 'loyalty-event-id': event.eventId, 'loyalty-delivery-id': item.deliveryId, 'loyalty-event-type': event.type },
      };
    });
  }

  authorize(request: VendorRequest, nowMs: number): Record<string, string> {
    return { 'content-type': 'application/json', 'loyalty-signature': signWebhook(this.credentials.signingSecret, request.body, Math.floor(nowMs / 1000)) };
  }

  interpret(_request: VendorRequest, response: VendorResponse, nowMs: number): Verdict {
    const kind = statusClass(response.status);
    if (kind === 'ok') return { kind: 'accepted', failed: new Map() };
    if (kind === 'client-error') return { kind: 'rejected', reason: `HTTP ${response.status}: ${excerpt(response.body, 500)}` };
    return { kind: 'retry', reason: `HTTP ${response.status}`, retryAfterMs: retryAfterMs(response.headers, { seconds: ['retry-after'] }, nowMs), rateLimited: kind === 'rate-limited' };
  }
}
