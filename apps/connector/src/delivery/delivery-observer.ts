/** What delivery reports to metrics; every call is cheap and never throws. */
export interface DeliveryObserver {
  sent(destination: string, events: number): void;
  failed(destination: string, events: number, cause: 'rejected' | 'item' | 'unknown-outcome' | 'no-identifier'): void;
  retried(destination: string, cause: 'rate-limited' | 'server-error' | 'network'): void;
  waited(destination: string, ms: number): void;
  request(destination: string, seconds: number, status: string): void;
}

export const SILENT_OBSERVER: DeliveryObserver = { sent: () => undefined, failed: () => undefined, retried: () => undefined, waited: () => undefined, request: () => undefined };
