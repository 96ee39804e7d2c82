import { type TestSystem, TcpProxy, freePort, startTestSystem, testStack, uniqueTestId } from '@loyalty/testing';

/**
 * The schema registry goes down and comes back: writes answer 503 with Retry-After meanwhile
 * (never a false 2xx), what was decided waits in the outbox, and the service recovers on its own.
 */
describe('a dependency outage', () => {
  let system: TestSystem;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const registry = new URL(testStack().schemaRegistryUrl);
    proxy = new TcpProxy(await freePort(), { host: registry.hostname, port: Number(registry.port) });
    await proxy.up();
    system = await startTestSystem({
      ingestionEnv: { SCHEMA_REGISTRY_URL: `http://127.0.0.1:${proxy.port}${registry.pathname}`, PUBLISH_TIMEOUT_MS: '3000' },
    });
  });

  afterAll(async () => {
    await system?.stop();
    await proxy?.down();
  });

  it('answers 503 while the registry is down, then publishes on its own and answers the resend with the original result', async () => {
    const memberId = uniqueTestId('m');
    const purchase = {
      tenantId: 'acme',
      transactionId: uniqueTestId('tx'),
      memberId,
      occurredAt: '2026-11-22T10:00:00Z',
      channel: 'web',
      currency: 'EUR',
      lines: [{ lineId: '1', sku: 'TEE', category: 'apparel', quantity: 1, unitPriceMinor: 5_000 }],
    };
    await proxy.down();
    const during = await system.post('/v1/purchases', purchase);
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('5');
    expect(((await during.json()) as { code: string }).code).toBe('SCHEMA_REGISTRY.UNAVAILABLE');

    await proxy.up();
    // Nobody resends: the outbox relay publishes the decided purchase by itself.
    const view = await system.balance(memberId, (b) => b.total.active === 100);
    expect(view.total).toEqual({ active: 100, pending: 0, spent: 0, reversed: 0, debited: 0, expired: 0, qualifying: 100 });

    const resend = await system.post('/v1/purchases', purchase);
    expect(resend.status).toBe(202);
    expect(await resend.json()).toMatchObject({ points: 100, eventIds: [expect.any(String), expect.any(String)] });
    // And it counted once.
    await system.post('/v1/purchases', { ...purchase, transactionId: uniqueTestId('tx') });
    await system.balance(memberId, (b) => b.total.active === 200);
  });
});
