import { createHmac } from 'node:crypto';
import { signWebhookPayload, verifyWebhookSignature } from './webhook-signature';

const secret = 'webhook-secret-0123456789abcdef';
const body = '{"type":"points_earned","memberId":"member-1","points":120}';
const now = 1_767_225_600;

describe('verifyWebhookSignature', () => {
  it('accepts HMAC-SHA256(secret, "<t>.<raw body>") in hex, computed independently', () => {
    const hex = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(verifyWebhookSignature(secret, `t=${now},v1=${hex}`, body, now)).toEqual({ ok: true });
    expect(signWebhookPayload(secret, body, now)).toBe(`t=${now},v1=${hex}`);
  });

  it('accepts one matching value among several (rotation) and ignores unknown schemes', () => {
    const good = signWebhookPayload(secret, body, now).split(',')[1]!;
    expect(verifyWebhookSignature(secret, `t=${now},v0=abc,v1=${'0'.repeat(64)},${good}`, body, now)).toEqual({ ok: true });
  });

  it.each([
    ['a missing header', undefined, body, now],
    ['a malformed header', 'garbage', body, now],
    ['a header without v1', `t=${now}`, body, now],
    ['a non-numeric timestamp', `t=soon,v1=${'0'.repeat(64)}`, body, now],
    ['a changed body', signWebhookPayload(secret, body, now), `${body} `, now],
    ['another secret', signWebhookPayload('other-secret', body, now), body, now],
    ['a timestamp 301 s old', signWebhookPayload(secret, body, now), body, now + 301],
    ['a timestamp 301 s ahead', signWebhookPayload(secret, body, now), body, now - 301],
  ])('rejects %s', (_, header, rawBody, nowSeconds) => {
    expect(verifyWebhookSignature(secret, header, rawBody, nowSeconds)).toEqual({ ok: false, reason: expect.any(String) });
  });

  it('accepts the edges of the ±300 s window and honours a custom tolerance', () => {
    const header = signWebhookPayload(secret, body, now);
    expect(verifyWebhookSignature(secret, header, body, now + 300)).toEqual({ ok: true });
    expect(verifyWebhookSignature(secret, header, body, now - 300)).toEqual({ ok: true });
    expect(verifyWebhookSignature(secret, header, body, now + 60, 30)).toMatchObject({ ok: false });
  });
});
