import { type TestSystem, startTestSystem, uniqueTestId } from '@loyalty/testing';

/**
 * Redemptions never overdraw, even when concurrent requests for one member arrive through two
 * ingestion instances: the member's row lock in the write model serialises the decisions.
 */
describe('concurrent redemptions through two ingestion instances', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({ ingestionInstances: 2 });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('accepts exactly as many as the balance covers and never lets it go negative', async () => {
    const memberId = uniqueTestId('m');
    const credit = await system.post('/v1/adjustments', { tenantId: 'acme', adjustmentId: uniqueTestId('adj'), memberId, points: 1_000, reason: 'test credit' }, { headers: { 'x-admin-key': system.credentials.adminKey } });
    expect(credit.status).toBe(202);

    // 40 redemptions of 70 points race for 1,000 points: 14 fit (980), 26 must be refused.
    const attempts = Array.from({ length: 40 }, (_, i) =>
      system.post('/v1/redemptions', { tenantId: 'acme', redemptionId: uniqueTestId(`r${i}`), memberId, points: 70 }, { instance: i % 2 }),
    );
    const statuses = (await Promise.all(attempts)).map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(14);
    expect(statuses.filter((s) => s === 409)).toHaveLength(26);

    const view = await system.balance(memberId, (b) => b.total.active === 20);
    expect(view.total).toEqual({ active: 20, pending: 0, spent: 980, reversed: 0, debited: 0, expired: 0, qualifying: 1000 });
  });

  it('the same redemption id sent concurrently to both instances spends once', async () => {
    const memberId = uniqueTestId('m');
    await system.post('/v1/adjustments', { tenantId: 'acme', adjustmentId: uniqueTestId('adj'), memberId, points: 500, reason: 'test credit' }, { headers: { 'x-admin-key': system.credentials.adminKey } });
    const redemption = { tenantId: 'acme', redemptionId: uniqueTestId('r'), memberId, points: 300 };
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => system.post('/v1/redemptions', redemption, { instance: i % 2 })));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(202));
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(new Set(bodies.map((b) => JSON.stringify((b as { eventIds: string[] }).eventIds))).size).toBe(1);
    await system.balance(memberId, (b) => b.total.active === 200);
  });
});
