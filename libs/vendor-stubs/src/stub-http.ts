import { type IncomingHttpHeaders } from 'node:http';

/** A request as a vendor stub sees it: the body is already read, the path has lost the vendor prefix. */
export interface StubRequest {
  readonly method: string;
  /** The path after the vendor prefix, e.g. `/users/track` for `/braze/users/track`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The body, up to the vendor's size limit plus one byte (enough to tell it was exceeded). */
  readonly body: Buffer;
  /** True when the body was larger than the vendor's limit; `body` is then incomplete. */
  readonly bodyTooLarge: boolean;
  readonly clientIp: string;
  readonly nowMs: number;
}

/** An answer; `body` undefined means no body (e.g. 204), anything else is sent as JSON. */
export interface StubResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export function json(status: number, body: unknown, headers?: Readonly<Record<string, string>>): StubResponse {
  return headers === undefined ? { status, body } : { status, body, headers };
}

/** Adds headers to an answer (rate-limit headers go on every answer of some vendors). */
export function withHeaders(response: StubResponse, headers: Readonly<Record<string, string>>): StubResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}

/** A header's single value; a repeated header counts as its first value. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `application/json`, with or without parameters such as `charset=utf-8`. */
export function isJsonContentType(headers: IncomingHttpHeaders): boolean {
  const value = headerValue(headers, 'content-type');
  if (value === undefined) return false;
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase() === 'application/json';
}

export function epochSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/** Whole seconds from now until `atMs`, at least 1: a Retry-After of 0 invites a tight loop. */
export function secondsUntil(atMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((atMs - nowMs) / 1000));
}

export const SERVER_ERROR_TEXT: Readonly<Record<number, string>> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
