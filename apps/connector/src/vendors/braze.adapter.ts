import { type BrazeDestination } from '../destinations/destination-config';
import { mapFields } from './loyalty-field';
import { retryAfterMs, statusClass } from './retry-after';
import { type DeliveryItem, type RequestPart, type VendorAdapter, type VendorRequest, type VendorResponse, type Verdict, distinctEventIds, excerpt, parseJson } from './vendor-adapter';

export interface BrazeCredentials {
  readonly baseUrl: string;
  readonly apiKey: string;
}

/**
 * Braze `POST /users/track` (Bearer key): each event becomes an `events` object (ISO-8601 `time`,
 * mapped properties and `event_id`) and, when attributes are mapped, an `attributes` object. At
 * most `batchSize` objects per request, all arrays together (75 on current accounts). A 201 may
 * carry `errors[]` naming objects by array and index: those events fail alone.
 */
export class BrazeAdapter implements VendorAdapter {
  private readonly url: string;
  private readonly authorization: string;

  constructor(
    private readonly config: BrazeDestination,
    credentials: BrazeCredentials,
  ) {
    this.url = `${credentials.baseUrl.replace(/\/+$/, '')}/users/track`;
    this.authorization = `Bearer ${credentials.apiKey}`;
  }

  build(items: readonly DeliveryItem[]): VendorRequest[] {
    const requests: VendorRequest[] = [];
    let attributes: Record<string, unknown>[] = [];
    let events: Record<string, unknown>[] = [];
    let parts: RequestPart[] = [];
    const flush = () => {
      if (parts.length === 0) return;
      const body = { ...(attributes.length > 0 ? { attributes } : {}), ...(events.length > 0 ? { events } : {}) };
      requests.push({ method: 'POST', url: this.url, body: JSON.stringify(body), parts, eventIds: distinctEventIds(parts), headers: {} });
      attributes = [];
      events = [];
      parts = [];
    };
    for (const item of items) {
      const id = { [this.config.identifier]: item.hardId };
      const mapped = mapFields(item.event, this.config.attributes);
      const objects = Object.keys(mapped).length > 0 ? 2 : 1;
      if (parts.length + objects > this.config.batchSize) flush();
      if (objects === 2) {
        parts.push({ eventId: item.event.eventId, array: 'attributes', index: attributes.length });
        attributes.push({ ...id, ...mapped });
      }
      parts.push({ eventId: item.event.eventId, array: 'events', index: events.length });
      events.push({
        ...id,
        name: this.config.eventNames[item.event.type] ?? `loyalty_${item.event.type}`,
        time: item.event.occurredAt,
        properties: { ...mapFields(item.event, this.config.eventProperties), event_id: item.event.eventId },
      });
    }
    flush();
    return requests;
  }

  authorize(): Record<string, string> {
    return { authorization: this.authorization, 'content-type': 'application/json' };
  }

  interpret(request: VendorRequest, response: VendorResponse, nowMs: number): Verdict {
    const kind = statusClass(response.status);
    if (kind === 'rate-limited' || kind === 'server-error') {
      // MAU accounts say X-Ratelimit-Retry-After (seconds) on a 429; others X-RateLimit-Reset (epoch).
      const wait = retryAfterMs(response.headers, { seconds: ['x-ratelimit-retry-after', 'retry-after'], epoch: kind === 'rate-limited' ? ['x-ratelimit-reset'] : [] }, nowMs);
      return { kind: 'retry', reason: `HTTP ${response.status}`, retryAfterMs: wait, rateLimited: kind === 'rate-limited' };
    }
    if (kind === 'client-error') return { kind: 'rejected', reason: `HTTP ${response.status}: ${excerpt(response.body, 500)}` };
    const body = parseJson(response.body) as { errors?: unknown } | undefined;
    const failed = new Map<string, string>();
    for (const error of Array.isArray(body?.errors) ? body.errors : []) {
      const e = error as { type?: unknown; input_array?: unknown; index?: unknown };
      const part = request.parts.find((p) => p.array === e.input_array && p.index === e.index);
      if (part !== undefined) failed.set(part.eventId, `${String(e.input_array)}[${String(e.index)}]: ${String(e.type)}`);
    }
    return { kind: 'accepted', failed };
  }
}
