import { type ConnectorEvent, type MemberContact } from '@loyalty/domain';

/** One public event on its way to one destination. */
export interface DeliveryItem {
  readonly event: ConnectorEvent;
  /** The member's contact points, for the hard id (never published). */
  readonly contact: MemberContact;
  /** The member's identifier at the vendor (the configured hard id), resolved before building. */
  readonly hardId: string;
  /** Stable per delivery (kept across retries; a redrive or replay is a new delivery). */
  readonly deliveryId: string;
}

/**
 * One HTTP request to a vendor, without credentials: what goes to a dead letter is exactly this.
 * `parts` says which event each positional part of the body carries (Bloomreach commands, Braze
 * objects), so per-item errors in the answer map back to events.
 */
export interface VendorRequest {
  readonly method: 'POST' | 'PUT';
  readonly url: string;
  readonly body: string;
  readonly parts: readonly RequestPart[];
  /** The events this request carries, in order, once each. */
  readonly eventIds: readonly string[];
  /** Extra non-secret headers (e.g. a webhook's event and delivery ids). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface RequestPart {
  readonly eventId: string;
  /** Where the vendor reports this part's errors: Braze's `input_array`; empty elsewhere. */
  readonly array: string;
  /** The part's index in that array (or among the request's commands). */
  readonly index: number;
}

export interface VendorResponse {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What an answer means for the request's events. */
export type Verdict =
  /** Accepted; the events named failed one by one (per-item errors inside a 2xx), for good. */
  | { readonly kind: 'accepted'; readonly failed: ReadonlyMap<string, string> }
  /** Not accepted, worth another try (429, 5xx): after `retryAfterMs` when the vendor says. */
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterMs: number | null; readonly rateLimited: boolean }
  /** Refused for good (other 4xx, a refused batch): retrying will not help. */
  | { readonly kind: 'rejected'; readonly reason: string };

/**
 * A vendor's contract, as pure functions: how events become requests, how requests are signed, and
 * what answers mean. The delivery loop (retries, rate limits, the journal) is the same for all.
 */
export interface VendorAdapter {
  /** Requests for the items, in the items' order (a member's events stay in order). */
  build(items: readonly DeliveryItem[]): VendorRequest[];
  /** Headers with the credentials (or signature) for one attempt, at `nowMs`. */
  authorize(request: VendorRequest, nowMs: number): Record<string, string>;
  interpret(request: VendorRequest, response: VendorResponse, nowMs: number): Verdict;
}

/** The part's event ids, once each, in order. */
export function distinctEventIds(parts: readonly RequestPart[]): string[] {
  return [...new Set(parts.map((p) => p.eventId))];
}

/** Unix seconds (fractional) of an ISO time: Bloomreach's timestamps are seconds, never milliseconds. */
export function unixSeconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

/** A short excerpt of a vendor's answer, for reasons and dead letters. */
export function excerpt(body: string, max = 2_000): string {
  return body.length <= max ? body : `${body.slice(0, max)}…`;
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
