/**
 * An infrastructure failure that says whether retrying can help. Callers map `retriable` errors
 * to "try again" (HTTP 503 with Retry-After; a consumer that rethrows so the batch is redelivered).
 */
export class InfrastructureError extends Error {
  constructor(
    readonly code: 'KAFKA.UNAVAILABLE' | 'SCHEMA_REGISTRY.UNAVAILABLE' | 'SCHEMA_REGISTRY.REJECTED',
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InfrastructureError';
  }
}
