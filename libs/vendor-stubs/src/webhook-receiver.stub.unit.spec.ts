import { startVendorStubs, signWebhookPayload, type VendorStubs } from './index';
import { accounts, call } from './test/stub-fixtures';

const delivery = (eventId: string, memberId = 'member-1') => {
  const body = JSON.stringify({ type: 'tier_changed', memberId, newTier: 'gold' });
  const headers = {
    'loyalty-signature': signWebhookPayload(accounts.webhooks.secret, body, Math.floor(Date.now() / 1000)),
    'loyalty-event-id': eventId,
    'loyalty-delivery-id': `d-${eventId}-${Math.random()}`,
  };
  return { body, headers };
};

describe('webhook receiver stub', () => {
  let stubs: VendorStubs;
  let url: string;

  beforeAll(async () => {
    stubs = await startVendorStubs({ accounts });
    url = `${stubs.urls.webhooks}/crm-endpoint`;
  });
  afterAll(() => stubs.close());
  beforeEach(() => stubs.reset());

  it('accepts a signed delivery with 204 and records it', async () => {
    const answer = await call(url, delivery('e-1'));
    expect(answer).toMatchObject({ status: 204, body: undefined });
    expect(stubs.received('webhooks')).toEqual([
      expect.objectContaining({ vendor: 'webhooks', kind: 'webhook', customerId: 'member-1', eventId: 'e-1', name: 'tier_changed', payload: { type: 'tier_changed', memberId: 'member-1', newTier: 'gold' } }),
    ]);
  });

  it('accepts a redelivery of the same event id and counts it as a duplicate', async () => {
    await call(url, delivery('e-1'));
    expect((await call(url, delivery('e-1'))).status).toBe(204);
    expect(stubs.received('webhooks')).toHaveLength(2);
    expect(stubs.stats('webhooks')).toMatchObject({ itemsAccepted: 2, duplicateEventIds: 1 });
  });

  it('refuses a bad, stale or missing signature with 401', async () => {
    const { body, headers } = delivery('e-1');
    const stale = signWebhookPayload(accounts.webhooks.secret, body, Math.floor(Date.now() / 1000) - 301);
    for (const signature of [signWebhookPayload('wrong-secret', body, Math.floor(Date.now() / 1000)), stale]) {
      expect(await call(url, { body, headers: { ...headers, 'loyalty-signature': signature } })).toMatchObject({ status: 401, body: { error: expect.any(String) } });
    }
    const { ['loyalty-signature']: _, ...unsigned } = headers;
    expect((await call(url, { body, headers: unsigned })).status).toBe(401);
    expect(await call(url, { body: `${body}\n`, headers })).toMatchObject({ status: 401, body: { error: 'signature mismatch' } });
    expect(stubs.received('webhooks')).toHaveLength(0);
  });

  it('refuses a delivery without its event id or delivery id with 400', async () => {
    const { body, headers } = delivery('e-1');
    const { ['loyalty-event-id']: _event, ...noEvent } = headers;
    const { ['loyalty-delivery-id']: _delivery, ...noDelivery } = headers;
    expect((await call(url, { body, headers: noEvent })).status).toBe(400);
    expect((await call(url, { body, headers: noDelivery })).status).toBe(400);
  });

  it('answers 404 without an endpoint name, and 415 for a non-JSON content type', async () => {
    expect((await call(stubs.urls.webhooks, delivery('e-1'))).status).toBe(404);
    const { body, headers } = delivery('e-1');
    expect((await call(url, { body, headers: { ...headers, 'content-type': 'text/plain' } })).status).toBe(415);
  });

  it('fails an injected item with 400, and injects 429 with and without Retry-After', async () => {
    stubs.setFaults('webhooks', { itemFailureRate: 1 });
    expect((await call(url, delivery('e-1'))).status).toBe(400);
    stubs.setFaults('webhooks', { rateLimit: { rate: 1, retryAfterSeconds: 5 } });
    const withRetry = await call(url, delivery('e-2'));
    expect(withRetry.status).toBe(429);
    expect(withRetry.headers.get('retry-after')).toBe('5');
    stubs.setFaults('webhooks', { rateLimit: { rate: 1, retryAfterSeconds: null } });
    const without = await call(url, delivery('e-3'));
    expect(without.status).toBe(429);
    expect(without.headers.get('retry-after')).toBeNull();
    expect(stubs.received('webhooks')).toHaveLength(0);
  });
});
