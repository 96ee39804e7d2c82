/**
 * How long a vendor asks us to wait, from its headers, in milliseconds; null when it does not say.
 * `seconds` headers hold a delay (Retry-After, X-Ratelimit-Retry-After); `epoch` headers a moment
 * in Unix seconds (X-RateLimit-Reset, X-Rate-Limit-Retry).
 */
export function retryAfterMs(headers: Readonly<Record<string, string>>, names: { seconds?: readonly string[]; epoch?: readonly string[] }, nowMs: number): number | null {
  for (const name of names.seconds ?? []) {
    const value = headers[name]?.trim();
    if (value === undefined) continue;
    if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
    // Retry-After may also be an HTTP date; anything else is as good as no header.
    if (/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) {
      const at = Date.parse(value);
      if (Number.isFinite(at)) return Math.max(0, at - nowMs);
    }
  }
  for (const name of names.epoch ?? []) {
    const epoch = Number(headers[name]);
    if (Number.isFinite(epoch) && epoch > 0) return Math.max(0, Math.round(epoch * 1000 - nowMs));
  }
  return null;
}

/** The generic reading of a status: 429 and 5xx are worth retrying; any other non-2xx is not. */
export function statusClass(status: number): 'ok' | 'rate-limited' | 'server-error' | 'client-error' {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 429) return 'rate-limited';
  if (status >= 500 || status === 408) return 'server-error';
  return 'client-error';
}
