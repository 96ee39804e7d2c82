import { signStorefrontRequest } from '@loyalty/http';
import { type TestSystem, startTestSystem, uniqueTestId } from '@loyalty/testing';

/** Every ingestion endpoint against the real stack, checked through the query API where points move. */
describe('ingestion API', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
  });

  afterAll(async () => {
    await system?.stop();
  });

  const purchase = (memberId: string, transactionId = uniqueTestId('tx')) => ({
    tenantId: 'acme',
    transactionId,
    memberId,
    occurredAt: '2026-11-22T10:00:00Z',
    channel: 'pos',
    currency: 'EUR',
    lines: [
      { lineId: 'ski', sku: 'SKI-1', category: 'ski-equipment', quantity: 1, unitPriceMinor: 10_000 }, // 300 points
      { lineId: 'tee', sku: 'TEE-1', category: 'apparel', quantity: 4, unitPriceMinor: 2_500 }, // 200 points
    ],
  });
  const json = async (r: Response) => (await r.json()) as Record<string, unknown>;

  it('enrols a member, updates the profile, assigns and revokes a custom tier', async () => {
    const memberId = uniqueTestId('m');
    const enrol = { tenantId: 'acme', memberId, enrolledAt: '2026-11-01T09:00:00Z', email: 'ada@example.com' };
    expect((await system.post('/v1/members', enrol)).status).toBe(202);
    expect((await system.post('/v1/members', enrol)).status).toBe(202); // a resend: same answer
    expect((await system.post('/v1/members', { ...enrol, email: 'other@example.com' })).status).toBe(409);

    const base = system.ingestion[0]!.baseUrl;
    const headers = { 'content-type': 'application/json', 'x-api-key': system.credentials.apiKeys['acme']! };
    const patch = await fetch(`${base}/v1/members/${memberId}`, { method: 'PATCH', headers, body: JSON.stringify({ phone: '+49 30 1234567', email: null }) });
    expect(patch.status).toBe(202);
    expect(await json(patch)).toMatchObject({ changed: ['email', 'phone'] });

    const auth = { 'x-api-key': system.credentials.apiKeys['acme']! };
    const put = () => fetch(`${base}/v1/members/${memberId}/custom-tiers/vip`, { method: 'PUT', headers: auth });
    expect(await json(await put())).toMatchObject({ changed: true });
    expect(await json(await put())).toMatchObject({ changed: false });
    expect((await fetch(`${base}/v1/members/${memberId}/custom-tiers/gold`, { method: 'PUT', headers: auth })).status).toBe(400);

    // A VIP earns x1.5 per line.
    const earned = await json(await system.post('/v1/purchases', purchase(memberId)));
    expect(earned['points']).toBe(450 + 300);

    expect(await json(await fetch(`${base}/v1/members/${memberId}/custom-tiers/vip`, { method: 'DELETE', headers: auth }))).toMatchObject({ changed: true });
    expect((await json(await system.post('/v1/purchases', purchase(memberId))))['points']).toBe(500);
  });

  it('a partial return reverses exactly the points of the returned units; returning more than was bought reverses no more', async () => {
    const memberId = uniqueTestId('m');
    const transactionId = uniqueTestId('tx');
    await system.post('/v1/purchases', purchase(memberId, transactionId));
    const ret = (returnId: string, lines: unknown) =>
      system.post('/v1/returns', { tenantId: 'acme', returnId, transactionId, memberId, occurredAt: '2026-11-23T10:00:00Z', lines });

    const first = await ret('r1', [{ lineId: 'tee', quantity: 1 }]);
    expect(first.status).toBe(202);
    expect(await json(first)).toMatchObject({ pointsReversed: 50 });
    const second = await ret('r2', [{ lineId: 'tee', quantity: 10 }]); // only 3 left
    expect(await json(second)).toMatchObject({ pointsReversed: 150 });
    const third = await ret('r3', [{ lineId: 'tee', quantity: 1 }]);
    expect(third.status).toBe(409);
    expect((await ret('r4', [{ lineId: 'nope', quantity: 1 }])).status).toBe(404);
    expect((await system.post('/v1/returns', { tenantId: 'acme', returnId: 'r5', transactionId: 'unknown', memberId, occurredAt: '2026-11-23T10:00:00Z', lines: [{ lineId: 'tee', quantity: 1 }] })).status).toBe(404);

    const view = await system.balance(memberId, (b) => b.total.active === 300);
    expect(view.total).toEqual({ active: 300, pending: 0, spent: 0, reversed: 200, debited: 0, expired: 0, qualifying: 300 });
  });

  it('activities earn temporary points up to the period limit', async () => {
    const memberId = uniqueTestId('m');
    const activity = (activityId: string, occurredAt: string) => ({ tenantId: 'acme', activityId, memberId, activityType: 'product-usage', occurredAt });
    expect(await json(await system.post('/v1/activities', activity('a1', '2026-11-22T08:00:00Z')))).toMatchObject({ points: 20, limited: false });
    expect(await json(await system.post('/v1/activities', activity('a2', '2026-11-22T20:00:00Z')))).toMatchObject({ points: 0, limited: true });
    expect(await json(await system.post('/v1/activities', activity('a3', '2026-11-23T08:00:00Z')))).toMatchObject({ points: 20, limited: false });
    expect((await system.post('/v1/activities', { ...activity('a4', '2026-11-23T09:00:00Z'), activityType: 'unknown-thing' })).status).toBe(422);
    const view = await system.balance(memberId, (b) => b.total.active === 40);
    expect(view.currencies).toEqual([{ currency: 'temporary', active: 40, pending: 0, spent: 0, reversed: 0, debited: 0, expired: 0, qualifying: 40 }]);
  });

  it('redeems soonest-expiring points first, refuses to overdraw, and a cancellation gives the same points back', async () => {
    const memberId = uniqueTestId('m');
    await system.post('/v1/purchases', purchase(memberId)); // 500 permanent, never expire
    await system.post('/v1/activities', { tenantId: 'acme', activityId: uniqueTestId('a'), memberId, activityType: 'product-usage', occurredAt: '2026-11-22T08:00:00Z' }); // 20 temporary

    const redeem = await system.post('/v1/redemptions', { tenantId: 'acme', redemptionId: 'red-1', memberId, points: 100, reward: 'coffee' });
    expect(redeem.status).toBe(202);
    const spent = (await json(redeem))['buckets'] as { points: number }[];
    expect(spent.map((b) => b.points)).toEqual([20, 80]); // the temporary bucket first

    const tooMuch = await system.post('/v1/redemptions', { tenantId: 'acme', redemptionId: 'red-2', memberId, points: 421 });
    expect(tooMuch.status).toBe(409);
    expect(await json(tooMuch)).toMatchObject({ code: 'LEDGER.INSUFFICIENT_POINTS' });

    const cancel = await system.post('/v1/redemptions/red-1/cancel', { tenantId: 'acme', memberId });
    expect(await json(cancel)).toMatchObject({ pointsRestored: 100 });
    expect((await system.post('/v1/redemptions/red-1/cancel', { tenantId: 'acme', memberId })).status).toBe(202); // resend
    expect((await system.post('/v1/redemptions/nope/cancel', { tenantId: 'acme', memberId })).status).toBe(404);

    const view = await system.balance(memberId, (b) => b.total.active === 520);
    expect(view.currencies).toEqual([
      // The redemption was cancelled: nothing stays spent, and spending never lowered qualifying points.
      { currency: 'permanent', active: 500, pending: 0, spent: 0, reversed: 0, debited: 0, expired: 0, qualifying: 500 },
      { currency: 'temporary', active: 20, pending: 0, spent: 0, reversed: 0, debited: 0, expired: 0, qualifying: 20 },
    ]);
  });

  it('adjustments need the admin credential and record who made them', async () => {
    const memberId = uniqueTestId('m');
    const body = { tenantId: 'acme', adjustmentId: uniqueTestId('adj'), memberId, points: 250, reason: 'service recovery' };
    expect((await system.post('/v1/adjustments', body)).status).toBe(401); // a tenant key is not enough
    const admin = { 'x-admin-key': system.credentials.adminKey };
    expect((await system.post('/v1/adjustments', body, { headers: admin })).status).toBe(202);
    const debit = await system.post('/v1/adjustments', { ...body, adjustmentId: uniqueTestId('adj'), points: -300 }, { headers: admin });
    expect(debit.status).toBe(409);
    expect((await system.post('/v1/adjustments', { ...body, adjustmentId: uniqueTestId('adj'), points: -50 }, { headers: admin })).status).toBe(202);
    await system.balance(memberId, (b) => b.total.active === 200);
  });

  it('accepts storefront requests signed with HMAC-SHA256 over timestamp and body', async () => {
    const memberId = uniqueTestId('m');
    const raw = JSON.stringify(purchase(memberId));
    const now = Math.floor(Date.now() / 1000);
    const signed = (timestamp: number, secret = system.credentials.webhookSecrets['acme']!) =>
      fetch(`${system.ingestion[0]!.baseUrl}/v1/purchases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tenant-id': 'acme', 'x-signature-timestamp': String(timestamp), 'x-signature': signStorefrontRequest(secret, timestamp, Buffer.from(raw)) },
        body: raw,
      });
    expect((await signed(now)).status).toBe(202);
    expect((await signed(now - 301)).status).toBe(401); // outside the 5-minute window
    expect((await signed(now, 'whsec_wrong-secret-wrong-secret-wrong-secret')).status).toBe(401);
  });

  it('the batch endpoint answers each purchase on its own', async () => {
    const memberId = uniqueTestId('m');
    const good = purchase(memberId);
    const response = await system.post('/v1/purchases/batch', { purchases: [good, { ...good, transactionId: uniqueTestId('tx'), currency: 'usd' }, good, { ...purchase(memberId), tenantId: 'globex' }] });
    expect(response.status).toBe(207);
    const { results } = (await response.json()) as { results: { status: number; body: Record<string, unknown> }[] };
    expect(results.map((r) => r.status)).toEqual([202, 400, 202, 403]);
    expect(results[2]!.body).toEqual(results[0]!.body); // the duplicate inside the batch answers like the original
    await system.balance(memberId, (b) => b.total.active === 500);
  });
});
