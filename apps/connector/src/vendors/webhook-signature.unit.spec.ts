import { signWebhookPayload, verifyWebhookSignature } from '@loyalty/vendor-stubs';
import { signWebhook } from './webhook-signature';

/** Our signer against the receiver stub's verifier: a receiver written from the contract accepts what we send. */
describe('signWebhook, verified by the receiver stub', () => {
  const secret = 'whsec_cross_check';
  const body = JSON.stringify({ id: 'e1', type: 'tier_changed', data: { tier: { id: 'gold', name: 'Gold' }, note: 'ünïcödé ✓' } });
  const t = 1_767_225_600;

  it('given a body signed now, then the receiver accepts it', () => {
    expect(verifyWebhookSignature(secret, signWebhook(secret, body, t), body, t + 10)).toEqual({ ok: true });
  });

  it("given the same inputs, then our header is the stub's own signing of them", () => {
    expect(signWebhook(secret, body, t)).toBe(signWebhookPayload(secret, body, t));
  });

  it('given a tampered body, then the receiver rejects it', () => {
    const header = signWebhook(secret, body, t);

    expect(verifyWebhookSignature(secret, header, body.replace('gold', 'platinum'), t)).toMatchObject({ ok: false, reason: 'signature mismatch' });
  });

  it('given another secret, then the receiver rejects it', () => {
    expect(verifyWebhookSignature('whsec_other', signWebhook(secret, body, t), body, t)).toMatchObject({ ok: false });
  });

  it('given a timestamp older than the tolerance, then the receiver rejects it (a replay)', () => {
    const header = signWebhook(secret, body, t);

    expect(verifyWebhookSignature(secret, header, body, t + 300)).toEqual({ ok: true });
    expect(verifyWebhookSignature(secret, header, body, t + 301)).toMatchObject({ ok: false, reason: 'signature timestamp outside the tolerance' });
    expect(verifyWebhookSignature(secret, header, body, t + 61, 60)).toMatchObject({ ok: false });
  });
});
