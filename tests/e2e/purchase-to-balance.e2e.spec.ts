import { type TestSystem, startTestSystem, uniqueTestId } from '@loyalty/testing';

/**
 * The walking skeleton, end to end on the real stack: HTTP -> ingestion -> Kafka (Avro via the
 * registry) -> ledger-projector -> Postgres -> HTTP balance query. Both services run as processes
 * from their real entry points.
 */
describe('a purchase flows from HTTP to the balance query', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({ programs: { acme: { pendingDays: 14 } } });
  });

  afterAll(async () => {
    await system?.stop();
  });

  const purchase = (memberId: string, overrides: Record<string, unknown> = {}) => ({
    tenantId: 'acme',
    transactionId: uniqueTestId('tx'),
    memberId,
    occurredAt: '2026-11-22T10:00:00Z',
    channel: 'web',
    currency: 'EUR',
    lines: [
      { lineId: '1', sku: 'SKI-1', category: 'ski-equipment', quantity: 1, unitPriceMinor: 19_999 },
      { lineId: '2', sku: 'TEE-1', category: 'apparel', quantity: 2, unitPriceMinor: 2_275 },
    ],
    ...overrides,
  });

  it('records the points, pending for the return window; the same purchase posted twice counts once', async () => {
    const memberId = uniqueTestId('m');
    const body = purchase(memberId);

    const first = await system.post('/v1/purchases', body);
    expect(first.status).toBe(202);
    const firstBody = (await first.json()) as { eventIds: string[]; points: number; pending: boolean; consistencyToken: string };
    expect(firstBody).toMatchObject({ points: 599 + 91, pending: true });
    expect(firstBody.eventIds).toHaveLength(2);
    expect(firstBody.consistencyToken).toMatch(/^v1\.\d+\.\d+$/);

    const again = await system.post('/v1/purchases', body);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(firstBody);

    // A later purchase, so that seeing it proves the duplicate, sent before it, was not counted.
    await system.post('/v1/purchases', purchase(memberId, { lines: [{ lineId: '1', sku: 'BOOK', category: 'books', quantity: 1, unitPriceMinor: 1_000 }] }));

    const view = await system.balance(memberId, (b) => b.total.pending === 690 + 10);
    expect(view).toMatchObject({ tenantId: 'acme', memberId, currencies: [{ currency: 'permanent', active: 0, pending: 700, spent: 0, qualifying: 0 }], total: { active: 0, pending: 700 }, debt: 0 });
  });

  it('answers invalid input with 400 problem+json naming the fields', async () => {
    const response = await system.post('/v1/purchases', purchase('m-1', { occurredAt: 'yesterday', lines: [{ lineId: '1', sku: 'X', category: 'apparel', quantity: 1, unitPriceMinor: 12.5 }] }));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { code: string; errors: { field: string }[] };
    expect(problem.code).toBe('REQUEST.INVALID');
    expect(problem.errors.map((e) => e.field).sort()).toEqual(['lines[0].unitPriceMinor', 'occurredAt']);
  });

  it('authenticates every request and keeps tenants apart', async () => {
    const noKey = await fetch(`${system.ingestion[0]!.baseUrl}/v1/purchases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(purchase('m-1')) });
    expect(noKey.status).toBe(401);
    expect((await system.post('/v1/purchases', purchase('m-1'), { headers: { 'x-api-key': 'not-a-key' } })).status).toBe(401);
    // globex's key cannot write for acme...
    expect((await system.post('/v1/purchases', purchase('m-1'), { tenant: 'globex' })).status).toBe(403);
    // ...nor read acme's member.
    const memberId = uniqueTestId('m');
    expect((await system.post('/v1/purchases', purchase(memberId))).status).toBe(202);
    await system.balance(memberId, () => true);
    const foreign = await fetch(`${system.projector.baseUrl}/v1/members/${memberId}/balance`, { headers: { 'x-api-key': system.credentials.apiKeys['globex']! } });
    expect(foreign.status).toBe(404);
  });
});
