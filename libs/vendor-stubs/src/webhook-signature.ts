import { createHmac, timingSafeEqual } from 'node:crypto';

const DEFAULT_TOLERANCE_SECONDS = 300;
// Ten digits today; the cap keeps Number exact.
const TIMESTAMP = /^\d{1,15}$/;
const DIGEST_HEX = /^[0-9a-f]{64}$/;

function digest(secret: string, timestamp: string, rawBody: string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest();
}

/**
 * Verifies `Loyalty-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`
 * within ±`toleranceSeconds` (default 300) of `nowSeconds`. Several `v1=` values may be sent (a
 * secret rotation); one match is enough. Other `k=v` parts are ignored, so a scheme can be added.
 *
 * @example
 * const header = signWebhookPayload(secret, body, 1767225600);
 * verifyWebhookSignature(secret, header, body, 1767225610); // { ok: true }
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  rawBody: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): { ok: true } | { ok: false; reason: string } {
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing Loyalty-Signature header' };
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const equals = part.indexOf('=');
    if (equals <= 0) return { ok: false, reason: 'malformed Loyalty-Signature header' };
    const key = part.slice(0, equals).trim();
    const value = part.slice(equals + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined) return { ok: false, reason: 'malformed Loyalty-Signature header: more than one t' };
      timestamp = value;
    } else if (key === 'v1') {
      signatures.push(value);
    }
  }
  if (timestamp === undefined || !TIMESTAMP.test(timestamp)) return { ok: false, reason: 'malformed Loyalty-Signature header: t must be Unix seconds' };
  if (signatures.length === 0) return { ok: false, reason: 'malformed Loyalty-Signature header: no v1 signature' };
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return { ok: false, reason: 'signature timestamp outside the tolerance' };
  const expected = digest(secret, timestamp, rawBody);
  // A value of the wrong shape cannot match; timingSafeEqual would throw on a length mismatch.
  const matched = signatures.some((hex) => DIGEST_HEX.test(hex) && timingSafeEqual(expected, Buffer.from(hex, 'hex')));
  return matched ? { ok: true } : { ok: false, reason: 'signature mismatch' };
}

/**
 * Signs a webhook body the way the connector must: returns the `Loyalty-Signature` header value.
 * For the stub's own specs, the demo and benchmarks; the connector has its own signer.
 *
 * @example
 * headers['loyalty-signature'] = signWebhookPayload(secret, body, Math.floor(Date.now() / 1000)); // 't=1767225600,v1=5f0c…'
 */
export function signWebhookPayload(secret: string, rawBody: string, timestampSeconds: number): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) throw new RangeError('timestampSeconds must be a non-negative integer (Unix seconds)');
  const timestamp = String(timestampSeconds);
  return `t=${timestamp},v1=${digest(secret, timestamp, rawBody).toString('hex')}`;
}
