import { type InjectedServerStatus } from './fault-injection';
import { type NewReceivedItem } from './received-log';
import { type StubRequest, type StubResponse } from './stub-http';
import { type StubVendor } from './stub-vendor';

export type AcceptedItem = Omit<NewReceivedItem, 'vendor' | 'receivedAt'>;

/** What a vendor stub may do besides answering: record what it accepted, count what it refused. */
export interface StubContext {
  /** Records an accepted item in the received log and the stats. */
  accept(item: AcceptedItem): void;
  /** Counts items refused by validation or by an injected item failure. */
  reject(count?: number): void;
  /** Draws whether this (otherwise valid) item fails by injection; counts it when it does. */
  itemFails(): boolean;
}

/** One imitated vendor behind its path prefix. Handling is synchronous: the benchmark path stays cheap. */
export interface VendorStub {
  readonly vendor: StubVendor;
  /** Bodies above this are read and dropped; the stub answers with its own too-large error. */
  readonly maxBodyBytes: number;
  handle(request: StubRequest, context: StubContext): StubResponse;
  /** The vendor's injected 429, with its retry header only when `retryAfterSeconds` is a number. */
  injectedRateLimit(request: StubRequest, retryAfterSeconds: number | null): StubResponse;
  /** The vendor's injected 5xx. */
  injectedServerError(request: StubRequest, status: InjectedServerStatus): StubResponse;
  /** Forgets rate-limit windows and any vendor state (e.g. Voucherify customers). */
  reset(): void;
}

/** Counts one refused item and passes its answer through: `return rejected(context, voucherifyError(...))`. */
export function rejected(context: StubContext, response: StubResponse): StubResponse {
  context.reject();
  return response;
}
