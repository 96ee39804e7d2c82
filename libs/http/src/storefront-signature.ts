import { createHmac, timingSafeEqual } from 'node:crypto';

export type StorefrontSignatureFailure = 'MISSING_HEADERS' | 'MALFORMED' | 'STALE_TIMESTAMP' | 'BAD_SIGNATURE';

export interface StorefrontSignatureInput {
  /** The tenant's active secrets; more than one while a secret is being rotated. */
  readonly secrets: readonly string[];
  /** `X-Signature-Timestamp`: Unix seconds, as sent (the signed text uses it verbatim). */
  readonly timestampHeader: string | undefined;
  /** `X-Signature`: one or more comma-separated `v1=<lower-case hex>` values. */
  readonly signatureHeader: string | undefined;
  readonly rawBody: Buffer;
  readonly nowSeconds: number;
  /** The replay window: a timestamp further than this from now, either way, is refused. */
  readonly toleranceSeconds: number;
}

export type StorefrontSignatureResult = { ok: true } | { ok: false; reason: StorefrontSignatureFailure };

// Sixteen digits would already exceed Number's exact integers; real timestamps have ten.
const TIMESTAMP = /^\d{1,15}$/;
const SIGNATURE = /^v1=[0-9a-f]+$/;
const SCHEME_PREFIX_LENGTH = 'v1='.length;
const DIGEST_HEX_LENGTH = 64;
// Rotation needs two values; the cap bounds the work an unauthenticated caller can cause.
const MAX_SIGNATURES = 8;

function digest(secret: string, timestamp: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/**
 * Checks a storefront webhook signature: HMAC-SHA256(secret, `<timestamp>.<raw body>`), within the
 * replay window. Pure (time is passed in), so the replay window is testable without a clock.
 * The signature is checked only once the headers are well formed and fresh, and it is the one
 * check that depends on the secrets, so the reasons reveal nothing about them.
 *
 * @example
 * const result = verifyStorefrontSignature({
 *   secrets: [secret],
 *   timestampHeader: '1700000000',
 *   signatureHeader: signStorefrontRequest(secret, 1700000000, body),
 *   rawBody: body,
 *   nowSeconds: 1700000010,
 *   toleranceSeconds: 300,
 * }); // { ok: true }
 */
export function verifyStorefrontSignature(input: StorefrontSignatureInput): StorefrontSignatureResult {
  const { timestampHeader, signatureHeader } = input;
  if (timestampHeader === undefined || timestampHeader === '' || signatureHeader === undefined || signatureHeader === '') {
    return { ok: false, reason: 'MISSING_HEADERS' };
  }
  const provided = signatureHeader.split(',').map((value) => value.trim());
  if (!TIMESTAMP.test(timestampHeader) || provided.length > MAX_SIGNATURES || !provided.every((value) => SIGNATURE.test(value))) {
    return { ok: false, reason: 'MALFORMED' };
  }
  if (Math.abs(input.nowSeconds - Number(timestampHeader)) > input.toleranceSeconds) {
    return { ok: false, reason: 'STALE_TIMESTAMP' };
  }
  // A value of the wrong length cannot match; timingSafeEqual would throw on it, so it is skipped.
  const candidates = provided
    .map((value) => value.slice(SCHEME_PREFIX_LENGTH))
    .filter((hex) => hex.length === DIGEST_HEX_LENGTH)
    .map((hex) => Buffer.from(hex, 'hex'));
  let matched = false;
  // No early exit: the time taken does not depend on which secret or value matched.
  for (const secret of input.secrets) {
    const expected = digest(secret, timestampHeader, input.rawBody);
    for (const candidate of candidates) matched = timingSafeEqual(expected, candidate) || matched;
  }
  return matched ? { ok: true } : { ok: false, reason: 'BAD_SIGNATURE' };
}

/**
 * Signs a storefront request the way a storefront must: returns the `X-Signature` header value.
 * Used by tests, the demo and the benchmark; send `timestampSeconds` as `X-Signature-Timestamp`.
 *
 * @example
 * const body = Buffer.from(JSON.stringify(purchase));
 * const now = Math.floor(Date.now() / 1000);
 * headers['x-signature-timestamp'] = String(now);
 * headers['x-signature'] = signStorefrontRequest(secret, now, body); // 'v1=5f0c…'
 */
export function signStorefrontRequest(secret: string, timestampSeconds: number, rawBody: Buffer): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError('timestampSeconds must be a non-negative integer (Unix seconds)');
  }
  return `v1=${digest(secret, String(timestampSeconds), rawBody).toString('hex')}`;
}
