import { type TestSystem, startTestSystem, uniqueTestId } from '@loyalty/testing';

interface Currency {
  currency: string;
  active: number;
  pending: number;
  spent: number;
  reversed: number;
  debited: number;
  expired: number;
  qualifying: number;
}
interface Balance {
  currencies: Currency[];
  total: Omit<Currency, 'currency'>;
  debt: number;
  position: string;
}
interface HistoryPage {
  items: { eventId: string; type: string; points: number; causeId: string | null; buckets: { bucketId: string; points: number }[]; recordedAt: string; position: string }[];
  nextCursor: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The query API over a member's life, on the real stack: earn, redeem, return, earn again; each
 * read carries the last write's consistency token, so it must already reflect that write.
 */
describe('member queries: balance, buckets, history, expirations, asOf, read-your-writes', () => {
  let system: TestSystem;
  const memberId = uniqueTestId('m');
  const transactionId = uniqueTestId('tx');
  let token = '';
  let beforeRedemption = '';

  const write = async (path: string, body: Record<string, unknown>) => {
    const response = await system.post(path, { tenantId: 'acme', memberId, ...body });
    expect(response.status).toBe(202);
    token = ((await response.json()) as { consistencyToken: string }).consistencyToken;
    // Distinct recording times, so `asOf` can fall between two writes.
    await sleep(5);
  };
  const get = (path: string, tenant = 'acme') => fetch(`${system.projector.baseUrl}${path}`, { headers: { 'x-api-key': system.credentials.apiKeys[tenant] ?? '' } });
  const read = async <T>(path: string): Promise<T> => {
    const separator = path.includes('?') ? '&' : '?';
    const response = await get(`${path}${separator}consistencyToken=${token}`);
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    system = await startTestSystem({ programs: { acme: { pendingDays: 0 } }, projectorEnv: { LEDGER_CONSISTENCY_WAIT_MS: '3000' } });
    // 2 x 25.00 of apparel at 2 points per unit: 100 permanent points in one bucket.
    await write('/v1/purchases', {
      transactionId,
      occurredAt: new Date().toISOString(),
      channel: 'web',
      currency: 'EUR',
      lines: [{ lineId: '1', sku: 'TEE-1', category: 'apparel', quantity: 2, unitPriceMinor: 2_500 }],
    });
    // 20 temporary points that expire: spent first.
    await write('/v1/activities', { activityId: uniqueTestId('act'), activityType: 'product-usage', occurredAt: new Date().toISOString() });
    beforeRedemption = new Date().toISOString();
    await write('/v1/redemptions', { redemptionId: uniqueTestId('red'), points: 30 });
    // Half the purchase comes back: 50 of its points are reversed (90 are left in its bucket).
    await write('/v1/returns', { returnId: uniqueTestId('ret'), transactionId, occurredAt: new Date().toISOString(), lines: [{ lineId: '1', quantity: 1 }] });
    await write('/v1/activities', { activityId: uniqueTestId('act'), activityType: 'review-written', occurredAt: new Date().toISOString() });
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('the balance read with the last write token already shows every point where it went', async () => {
    const balance = await read<Balance>(`/v1/members/${memberId}/balance`);
    expect(balance.currencies).toEqual([
      { currency: 'permanent', active: 40, pending: 0, spent: 10, reversed: 50, debited: 0, expired: 0, qualifying: 50 },
      { currency: 'temporary', active: 50, pending: 0, spent: 20, reversed: 0, debited: 0, expired: 0, qualifying: 70 },
    ]);
    expect(balance.total).toEqual({ active: 90, pending: 0, spent: 30, reversed: 50, debited: 0, expired: 0, qualifying: 120 });
    expect(balance.debt).toBe(0);
    // The position reflected is at least the token's.
    const [, partition, offset] = token.split('.');
    const [, reflectedPartition, reflectedOffset] = balance.position.split('.');
    expect(reflectedPartition).toBe(partition);
    expect(Number(reflectedOffset)).toBeGreaterThanOrEqual(Number(offset));
  });

  it('history pages newest first through its cursor, naming causes and buckets', async () => {
    const first = await read<HistoryPage>(`/v1/members/${memberId}/history?limit=2`);
    expect(first.items.map((i) => [i.type, i.points])).toEqual([
      ['PointsEarned', 50],
      ['PointsReversed', -50],
    ]);
    expect(first.nextCursor).not.toBeNull();
    const second = await read<HistoryPage>(`/v1/members/${memberId}/history?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((i) => [i.type, i.points])).toEqual([
      ['PointsSpent', -30],
      ['PointsEarned', 20],
    ]);
    const spend = second.items[0];
    expect(spend?.buckets.map((b) => b.points).sort()).toEqual([-10, -20]);
    const third = await read<HistoryPage>(`/v1/members/${memberId}/history?limit=2&cursor=${second.nextCursor}`);
    expect(third.items.map((i) => [i.type, i.points])).toEqual([['PointsEarned', 100]]);
    expect(third.items[0]?.causeId).toBe(transactionId);
    expect(third.nextCursor).toBeNull();
  });

  it('buckets come in spending order; open ones by default, all on request', async () => {
    const open = await read<{ buckets: { currency: string; amount: number; remaining: number; expiresAt: string | null }[] }>(`/v1/members/${memberId}/buckets`);
    expect(open.buckets.map((b) => [b.currency, b.amount, b.remaining])).toEqual([
      ['temporary', 50, 50],
      ['permanent', 100, 40],
    ]);
    const all = await read<{ buckets: unknown[] }>(`/v1/members/${memberId}/buckets?include=all`);
    expect(all.buckets).toHaveLength(3);
  });

  it('upcoming expirations list the temporary points left, with totals', async () => {
    const view = await read<{ expirations: { currency: string; points: number; expiresAt: string }[]; totals: Record<string, number> }>(`/v1/members/${memberId}/expirations`);
    expect(view.expirations.map((e) => [e.currency, e.points])).toEqual([['temporary', 50]]);
    expect(view.totals).toEqual({ temporary: 50 });
    expect(Date.parse(view.expirations[0]?.expiresAt ?? '')).toBeGreaterThan(Date.now());
  });

  it('asOf gives the balance as it stood before the redemption, and today equals the live balance', async () => {
    const then = await read<Balance & { movements: { eventId: string }[]; movementCount: number }>(`/v1/members/${memberId}/balance?asOf=${beforeRedemption}`);
    expect(then.total).toMatchObject({ active: 120, spent: 0, reversed: 0, qualifying: 120 });
    expect(then.movementCount).toBe(2);
    const live = await read<Balance>(`/v1/members/${memberId}/balance`);
    const now = await read<Balance>(`/v1/members/${memberId}/balance?asOf=2999-01-01T00:00:00Z`);
    expect({ currencies: now.currencies, total: now.total, debt: now.debt }).toEqual({ currencies: live.currencies, total: live.total, debt: live.debt });
  });

  it("another tenant's key never sees the member", async () => {
    expect((await get(`/v1/members/${memberId}/balance`, 'globex')).status).toBe(404);
    expect(((await (await get(`/v1/members/${memberId}/history`, 'globex')).json()) as HistoryPage).items).toEqual([]);
  });

  it('refuses a foreign cursor or token with 400, and a token not reached in time with 503 and Retry-After', async () => {
    const cursor = await get(`/v1/members/${memberId}/history?cursor=42`);
    expect(cursor.status).toBe(400);
    expect(cursor.headers.get('content-type')).toContain('application/problem+json');
    expect((await get(`/v1/members/${memberId}/balance?consistencyToken=latest`)).status).toBe(400);
    const [, partition] = token.split('.');
    const ahead = await fetch(`${system.projector.baseUrl}/v1/members/${memberId}/balance`, {
      headers: { 'x-api-key': system.credentials.apiKeys['acme'] ?? '', 'x-consistency-token': `v1.${partition}.999999999` },
    });
    expect(ahead.status).toBe(503);
    expect(ahead.headers.get('retry-after')).toBe('1');
  }, 30_000);
});
