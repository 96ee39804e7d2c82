import { type VoucherifyDestination } from '../destinations/destination-config';
import { mapFields } from './loyalty-field';
import { retryAfterMs, statusClass } from './retry-after';
import { type DeliveryItem, type VendorAdapter, type VendorRequest, type VendorResponse, type Verdict, excerpt } from './vendor-adapter';

export interface VoucherifyCredentials {
  readonly baseUrl: string;
  readonly appId: string;
  readonly appToken: string;
}

/**
 * Voucherify (X-App-Id / X-App-Token): per event, the customer is upserted by `source_id` with the
 * mapped loyalty metadata (an upsert: safe to repeat), then the custom event goes to `/v1/events`
 * with its metadata and `event_id`. Voucherify has no batch endpoint for either.
 */
export class VoucherifyAdapter implements VendorAdapter {
  private readonly base: string;

  constructor(
    private readonly config: VoucherifyDestination,
    private readonly credentials: VoucherifyCredentials,
  ) {
    this.base = credentials.baseUrl.replace(/\/+$/, '');
  }

  build(items: readonly DeliveryItem[]): VendorRequest[] {
    return items.flatMap((item) => {
      const { event } = item;
      const part = [{ eventId: event.eventId, array: '', index: 0 }];
      const requests: VendorRequest[] = [];
      const metadata = mapFields(event, this.config.attributes);
      if (Object.keys(metadata).length > 0) {
        requests.push({ method: 'POST', url: `${this.base}/v1/customers`, body: JSON.stringify({ source_id: item.hardId, metadata }), parts: part, eventIds: [event.eventId], headers: {} });
      }
      const body = {
        event: this.config.eventNames[event.type] ?? `loyalty_${event.type}`,
        customer: { source_id: item.hardId },
        metadata: { ...mapFields(event, this.config.eventProperties), event_id: event.eventId },
      };
      requests.push({ method: 'POST', url: `${this.base}/v1/events`, body: JSON.stringify(body), parts: part, eventIds: [event.eventId], headers: {} });
      return requests;
    });
  }

  authorize(): Record<string, string> {
    return { 'x-app-id': this.credentials.appId, 'x-app-token': this.credentials.appToken, 'content-type': 'application/json', accept: 'application/json' };
  }

  interpret(_request: VendorRequest, response: VendorResponse, nowMs: number): Verdict {
    const kind = statusClass(response.status);
    if (kind === 'ok') return { kind: 'accepted', failed: new Map() };
    if (kind === 'client-error') return { kind: 'rejected', reason: `HTTP ${response.status}: ${excerpt(response.body, 500)}` };
    const wait = retryAfterMs(response.headers, { seconds: ['retry-after'], epoch: kind === 'rate-limited' ? ['x-rate-limit-retry'] : [] }, nowMs);
    return { kind: 'retry', reason: `HTTP ${response.status}`, retryAfterMs: wait, rateLimited: kind === 'rate-limited' };
  }
}
