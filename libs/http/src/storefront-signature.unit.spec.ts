import fc from 'fast-check';
import { signStorefrontRequest, verifyStorefrontSignature, type StorefrontSignatureInput } from './storefront-signature';

const secret = 'storefront-secret-0123456789abcdef';
const otherSecret = 'rotated-secret-fedcba9876543210xyz';
const now = 1_700_000_000;
const body = Buffer.from('{"tenantId":"t1","purchaseId":"p1","lines":[{"amountMinor":1250}]}');

function signed(overrides: Partial<StorefrontSignatureInput> = {}): StorefrontSignatureInput {
  return {
    secrets: [secret],
    timestampHeader: String(now),
    signatureHeader: signStorefrontRequest(secret, now, body),
    rawBody: body,
    nowSeconds: now,
    toleranceSeconds: 300,
    ...overrides,
  };
}

const rejectedFor = (reason: string) => ({ ok: false, reason });

describe('verifyStorefrontSignature', () => {
  it('accepts a valid signature', () => {
    expect(signStorefrontRequest(secret, now, body)).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyStorefrontSignature(signed())).toEqual({ ok: true });
  });

  it('rejects a body changed by one byte', () => {
    const changed = Buffer.from(body);
    changed[10] = (changed[10]! + 1) % 256;
    expect(verifyStorefrontSignature(signed({ rawBody: changed }))).toEqual(rejectedFor('BAD_SIGNATURE'));
  });

  it('rejects a signature made with another secret', () => {
    expect(verifyStorefrontSignature(signed({ signatureHeader: signStorefrontRequest(otherSecret, now, body) }))).toEqual(rejectedFor('BAD_SIGNATURE'));
  });

  it('rejects when the tenant has no secrets', () => {
    expect(verifyStorefrontSignature(signed({ secrets: [] }))).toEqual(rejectedFor('BAD_SIGNATURE'));
  });

  it('binds the timestamp into the signature', () => {
    expect(verifyStorefrontSignature(signed({ timestampHeader: String(now + 1) }))).toEqual(rejectedFor('BAD_SIGNATURE'));
  });

  it.each([
    ['301 s old', now + 301, 'STALE_TIMESTAMP'],
    ['301 s in the future', now - 301, 'STALE_TIMESTAMP'],
  ])('refuses a timestamp %s', (_, nowSeconds, reason) => {
    expect(verifyStorefrontSignature(signed({ nowSeconds }))).toEqual(rejectedFor(reason));
  });

  it.each([
    ['299 s old', now + 299],
    ['299 s in the future', now - 299],
    ['exactly at the window edge', now + 300],
  ])('accepts a timestamp %s', (_, nowSeconds) => {
    expect(verifyStorefrontSignature(signed({ nowSeconds }))).toEqual({ ok: true });
  });

  it('uses the configured window', () => {
    expect(verifyStorefrontSignature(signed({ nowSeconds: now + 61, toleranceSeconds: 60 }))).toEqual(rejectedFor('STALE_TIMESTAMP'));
  });

  it.each([
    ['no timestamp', { timestampHeader: undefined }],
    ['no signature', { signatureHeader: undefined }],
    ['an empty timestamp', { timestampHeader: '' }],
    ['an empty signature', { signatureHeader: '' }],
  ])('reports missing headers for %s', (_, overrides) => {
    expect(verifyStorefrontSignature(signed(overrides))).toEqual(rejectedFor('MISSING_HEADERS'));
  });

  const hex = signStorefrontRequest(secret, now, body).slice(3);
  it.each([
    ['a signature without v1=', { signatureHeader: hex }],
    ['another scheme', { signatureHeader: `v0=${hex}` }],
    ['non-hex digits', { signatureHeader: `v1=${hex.slice(0, 63)}g` }],
    ['upper-case hex', { signatureHeader: `v1=${hex.toUpperCase()}` }],
    ['an empty value', { signatureHeader: `v1=${hex},` }],
    ['too many values', { signatureHeader: Array.from({ length: 9 }, () => `v1=${hex}`).join(',') }],
    ['a non-numeric timestamp', { timestampHeader: 'yesterday' }],
    ['a negative timestamp', { timestampHeader: `-${now}` }],
    ['a fractional timestamp', { timestampHeader: `${now}.5` }],
    ['a timestamp in milliseconds beyond exact integers', { timestampHeader: '9'.repeat(16) }],
  ])('reports a malformed header for %s', (_, overrides) => {
    expect(verifyStorefrontSignature(signed(overrides))).toEqual(rejectedFor('MALFORMED'));
  });

  it('treats a signature of the wrong length as just invalid', () => {
    expect(verifyStorefrontSignature(signed({ signatureHeader: `v1=${hex.slice(0, 62)}` }))).toEqual(rejectedFor('BAD_SIGNATURE'));
    expect(verifyStorefrontSignature(signed({ signatureHeader: `v1=${hex}00` }))).toEqual(rejectedFor('BAD_SIGNATURE'));
  });

  describe('rotation', () => {
    it('accepts a signature made with any of the tenant secrets', () => {
      const secrets = [otherSecret, secret];
      expect(verifyStorefrontSignature(signed({ secrets }))).toEqual({ ok: true });
      expect(verifyStorefrontSignature(signed({ secrets, signatureHeader: signStorefrontRequest(otherSecret, now, body) }))).toEqual({ ok: true });
    });

    it('accepts a header with several v1= values when any one matches', () => {
      const header = `${signStorefrontRequest(otherSecret, now, body)}, ${signStorefrontRequest(secret, now, body)}`;
      expect(verifyStorefrontSignature(signed({ signatureHeader: header }))).toEqual({ ok: true });
      const noneMatch = `${signStorefrontRequest(otherSecret, now, body)},v1=${'0'.repeat(64)}`;
      expect(verifyStorefrontSignature(signed({ signatureHeader: noneMatch }))).toEqual(rejectedFor('BAD_SIGNATURE'));
    });
  });

  it('verifies what it signs, and nothing with a flipped byte', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.string({ minLength: 32, maxLength: 64 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, key, position, flip) => {
          const rawBody = Buffer.from(bytes);
          const input = signed({ secrets: [key], rawBody, signatureHeader: signStorefrontRequest(key, now, rawBody) });
          expect(verifyStorefrontSignature(input)).toEqual({ ok: true });
          const flipped = Buffer.from(rawBody);
          const index = position % flipped.length;
          flipped[index] = flipped[index]! ^ flip;
          expect(verifyStorefrontSignature({ ...input, rawBody: flipped })).toEqual(rejectedFor('BAD_SIGNATURE'));
        },
      ),
    );
  });
});

describe('signStorefrontRequest', () => {
  it('refuses a timestamp that is not whole Unix seconds', () => {
    expect(() => signStorefrontRequest(secret, 1.5, body)).toThrow(RangeError);
    expect(() => signStorefrontRequest(secret, -1, body)).toThrow(RangeError);
  });
});
