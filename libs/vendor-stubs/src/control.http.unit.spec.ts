import { startVendorStubs, signWebhookPayload, type ReceivedItem, type StubStats, type VendorStubs } from './index';
import { accounts, call } from './test/stub-fixtures';

describe('control endpoints', () => {
  let stubs: VendorStubs;

  beforeAll(async () => {
    stubs = await startVendorStubs({ accounts });
  });
  afterAll(() => stubs.close());
  beforeEach(() => stubs.reset());

  const deliver = async (memberId: string, type: string) => {
    const body = JSON.stringify({ memberId, type });
    const headers = {
      'loyalty-signature': signWebhookPayload(accounts.webhooks.secret, body, Math.floor(Date.now() / 1000)),
      'loyalty-event-id': `${memberId}-${type}`,
      'loyalty-delivery-id': 'd1',
    };
    expect((await call(`${stubs.urls.webhooks}/crm`, { body, headers })).status).toBe(204);
  };

  it('answers health', async () => {
    expect(await call(`${stubs.baseUrl}/health`, { method: 'GET' })).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('lists received items, filtered by customer and name, in arrival order', async () => {
    await deliver('m1', 'a');
    await deliver('m2', 'a');
    await deliver('m1', 'b');
    const all = (await call(`${stubs.baseUrl}/__stub/webhooks/received`, { method: 'GET' })).body as ReceivedItem[];
    expect(all.map((item) => item.sequence)).toEqual([...all.map((item) => item.sequence)].sort((a, b) => a - b));
    expect(all).toHaveLength(3);
    expect(all[0]!.receivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const m1 = (await call(`${stubs.baseUrl}/__stub/webhooks/received?customerId=m1&name=`, { method: 'GET' })).body as ReceivedItem[];
    expect(m1.map((item) => item.name)).toEqual(['a', 'b']);
    const m1b = (await call(`${stubs.baseUrl}/__stub/webhooks/received?customerId=m1&name=b`, { method: 'GET' })).body as ReceivedItem[];
    expect(m1b).toHaveLength(1);
    expect(stubs.received('webhooks', { name: 'a' })).toHaveLength(2);
  });

  it('reports stats and sets faults', async () => {
    const put = await call(`${stubs.baseUrl}/__stub/webhooks/faults`, { method: 'PUT', body: { errorRate: 1 } });
    expect(put.status).toBe(204);
    expect((await call(`${stubs.urls.webhooks}/crm`, { body: '{}' })).status).toBeGreaterThanOrEqual(500);
    const stats = (await call(`${stubs.baseUrl}/__stub/webhooks/stats`, { method: 'GET' })).body as StubStats;
    expect(stats).toMatchObject({ requests: 1, itemsAccepted: 0, injected: { errors: 1 } });
    expect(await call(`${stubs.baseUrl}/__stub/webhooks/faults`, { method: 'PUT', body: { errorRate: 'often' } })).toMatchObject({ status: 400 });
  });

  it('resets one vendor or all of them', async () => {
    await deliver('m1', 'a');
    stubs.setFaults('braze', { errorRate: 1 });
    expect((await call(`${stubs.baseUrl}/__stub/reset`, { body: { vendor: 'braze' } })).status).toBe(204);
    expect(stubs.received('webhooks')).toHaveLength(1);
    expect((await call(`${stubs.urls.braze}/users/track`, { body: {}, headers: { authorization: `Bearer ${accounts.braze.apiKey}` } })).status).toBe(201);
    expect((await call(`${stubs.baseUrl}/__stub/reset`, { body: '' })).status).toBe(204);
    expect(stubs.received('webhooks')).toHaveLength(0);
    expect(stubs.stats('braze').requests).toBe(0);
    expect((await call(`${stubs.baseUrl}/__stub/reset`, { body: { vendor: 'acme' } })).status).toBe(400);
  });

  it('answers 404 for unknown paths and vendors', async () => {
    expect((await call(`${stubs.baseUrl}/nowhere`, { method: 'GET' })).status).toBe(404);
    expect((await call(`${stubs.baseUrl}/__stub/acme/stats`, { method: 'GET' })).status).toBe(404);
    expect((await call(`${stubs.baseUrl}/brazeish/users/track`, { body: {} })).status).toBe(404);
  });

  it('serves the urls under the base URL', () => {
    expect(stubs.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stubs.urls).toEqual({
      bloomreach: `${stubs.baseUrl}/bloomreach`,
      braze: `${stubs.baseUrl}/braze`,
      voucherify: `${stubs.baseUrl}/voucherify`,
      webhooks: `${stubs.baseUrl}/webhooks`,
    });
  });
});
