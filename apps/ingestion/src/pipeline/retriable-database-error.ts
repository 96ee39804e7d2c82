/** SQLSTATE classes and socket errors after which the same batch may well succeed. */
const RETRIABLE_SQLSTATE = /^(08|57P0|53|40001|40P01)/;
const RETRIABLE_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/** A write-model failure that retrying can fix: answered 503 with Retry-After (see ProblemDetailsFilter). */
export class WriteModelUnavailableError extends Error {
  readonly code = 'WRITE_MODEL.UNAVAILABLE';
  readonly retriable = true;
}

/** Marks Postgres connection, shutdown, overload, serialization and deadlock errors as retriable. */
export function classifyDatabaseError(error: unknown): unknown {
  if (error instanceof Error && !('retriable' in error)) {
    const code = (error as { code?: unknown }).code;
    const timeout = /timeout|terminat|Connection/i.test(error.message);
    if ((typeof code === 'string' && (RETRIABLE_SQLSTATE.test(code) || RETRIABLE_SOCKET.has(code))) || timeout) {
      return new WriteModelUnavailableError(`postgres unavailable: ${error.message}`, { cause: error });
    }
  }
  return error;
}
