import { type VendorResponse } from '../vendors/vendor-adapter';

export type TransportResult = { readonly ok: true; readonly response: VendorResponse } | { readonly ok: false; readonly reason: string; readonly timedOut: boolean };

/** Answers larger than this are cut: a vendor's error page must not fill the journal. */
const MAX_BODY_CHARS = 64 * 1024;

/**
 * One HTTP attempt with a deadline. A network error or a timeout is a value, not a throw: the
 * caller decides (both are retried; neither proves the vendor did not get the request).
 */
export async function sendOnce(request: { method: string; url: string; body: string; headers: Readonly<Record<string, string>> }, timeoutMs: number): Promise<TransportResult> {
  try {
    const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
    return { ok: true, response: { status: res.status, headers, body: text.length > MAX_BODY_CHARS ? text.slice(0, MAX_BODY_CHARS) : text } };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    return { ok: false, reason: timedOut ? `no answer in ${timeoutMs} ms` : `network error: ${e.cause?.code ?? e.message}`, timedOut };
  }
}
