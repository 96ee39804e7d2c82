import { startVendorStubs, type VendorStubs } from './index';
import { accounts, call } from './test/stub-fixtures';

const auth = { 'x-app-id': accounts.voucherify.appId, 'x-app-token': accounts.voucherify.appToken };
const REQUEST_ID = /^v-[0-9a-f]+$/;

describe('Voucherify stub', () => {
  let stubs: VendorStubs;
  let v1: string;

  beforeAll(async () => {
    stubs = await startVendorStubs({ accounts });
    v1 = `${stubs.urls.voucherify}/v1`;
  });
  afterAll(() => stubs.close());
  beforeEach(() => stubs.reset());

  describe('customers', () => {
    it('creates a customer, then upserts it by source_id instead of duplicating it', async () => {
      const created = await call(`${v1}/customers`, { body: { source_id: 'member-1', email: 'a@example.com', metadata: { loyalty_tier: 'silver' } }, headers: auth });
      expect(created).toMatchObject({
        status: 200,
        body: { id: expect.stringMatching(/^cust_[0-9a-f]+$/), source_id: 'member-1', email: 'a@example.com', object: 'customer', metadata: { loyalty_tier: 'silver' } },
      });
      const updated = await call(`${v1}/customers`, { body: { source_id: 'member-1', metadata: { loyalty_tier: 'gold', event_id: 'e-1' } }, headers: auth });
      expect(updated.body).toMatchObject({ id: (created.body as { id: string }).id, email: 'a@example.com', metadata: { loyalty_tier: 'gold' } });
      expect(stubs.received('voucherify', { customerId: 'member-1' }).map((item) => [item.kind, item.eventId])).toEqual([
        ['customer', null],
        ['customer', 'e-1'],
      ]);
      expect(created.headers.get('x-rate-limit-limit')).toBe('2000');
      expect(created.headers.get('x-rate-limit-remaining')).toBe('1999');
      expect(Number(created.headers.get('x-rate-limit-retry'))).toBeGreaterThan(Date.now() / 1000);
    });

    it('updates by id or source_id with PUT, and answers 404 not_found for an unknown one', async () => {
      const created = await call(`${v1}/customers`, { body: { source_id: 'member@2', name: 'Two' }, headers: auth });
      const id = (created.body as { id: string }).id;
      expect(await call(`${v1}/customers/${encodeURIComponent('member@2')}`, { method: 'PUT', body: { name: 'Deux' }, headers: auth })).toMatchObject({
        status: 200,
        body: { id, name: 'Deux' },
      });
      expect((await call(`${v1}/customers/${id}`, { method: 'PUT', body: { phone: '+33' }, headers: auth })).body).toMatchObject({ name: 'Deux', phone: '+33' });
      expect(await call(`${v1}/customers/nobody`, { method: 'PUT', body: { name: 'x' }, headers: auth })).toMatchObject({
        status: 404,
        body: { code: 404, key: 'not_found', message: 'Resource not found', resource_type: 'customer', resource_id: 'nobody', request_id: expect.stringMatching(REQUEST_ID) },
      });
    });

    it('refuses a field of the wrong type with 400 invalid_payload', async () => {
      expect(await call(`${v1}/customers`, { body: { source_id: 'm', name: 42 }, headers: auth })).toMatchObject({
        status: 400,
        body: { code: 400, key: 'invalid_payload', details: 'Property .name must be string' },
      });
    });
  });

  describe('events', () => {
    it('tracks an event for a new source_id, creating the customer', async () => {
      const answer = await call(`${v1}/events`, { body: { event: 'points_earned', customer: { source_id: 'member-3' }, metadata: { event_id: 'e-9', points: 5 } }, headers: auth });
      expect(answer).toMatchObject({
        status: 200,
        body: { object: 'event', type: 'points_earned', customer: { source_id: 'member-3', object: 'customer' }, referral: null, loyalty: null },
      });
      expect(stubs.received('voucherify')).toEqual([expect.objectContaining({ kind: 'event', customerId: 'member-3', eventId: 'e-9', name: 'points_earned' })]);
      expect((await call(`${v1}/customers/member-3`, { method: 'PUT', body: {}, headers: auth })).status).toBe(200);
    });

    it.each([
      ['a missing event', { customer: { source_id: 'm' } }, 400, 'invalid_payload'],
      ['an event over 300 characters', { event: 'e'.repeat(301), customer: { source_id: 'm' } }, 400, 'invalid_payload'],
      ['a missing customer', { event: 'points_earned' }, 400, 'missing_customer'],
      ['an event outside the Event Schema', { event: 'unknown_event', customer: { source_id: 'm' } }, 400, 'invalid_payload'],
      ['an unknown customer id', { event: 'points_earned', customer: { id: 'cust_nope' } }, 404, 'not_found'],
      ['a loyalty object without code', { event: 'points_earned', customer: { source_id: 'm' }, loyalty: {} }, 400, 'invalid_payload'],
    ])('refuses %s', async (_, body, status, key) => {
      const answer = await call(`${v1}/events`, { body, headers: auth });
      expect(answer).toMatchObject({ status, body: { code: status, key, message: expect.any(String), request_id: expect.stringMatching(REQUEST_ID) } });
      expect(stubs.received('voucherify')).toHaveLength(0);
    });

    it('fails an injected item with a 400 on that request', async () => {
      stubs.setFaults('voucherify', { itemFailureRate: 1 });
      const answer = await call(`${v1}/events`, { body: { event: 'points_earned', customer: { source_id: 'm' } }, headers: auth });
      expect(answer).toMatchObject({ status: 400, body: { key: 'invalid_payload' } });
      expect(stubs.stats('voucherify')).toMatchObject({ itemsAccepted: 0, itemsRejected: 1, injected: { itemFailures: 1 } });
    });
  });

  describe('refusals', () => {
    it.each([
      ['no credentials', {}],
      ['a wrong token', { 'x-app-id': accounts.voucherify.appId, 'x-app-token': 'nope' }],
    ])('answers 401 for %s', async (_, headers) => {
      const answer = await call(`${v1}/events`, { body: { event: 'points_earned', customer: { source_id: 'm' } }, headers });
      expect(answer).toMatchObject({ status: 401, body: { code: 401, message: 'Unauthorized', key: 'unauthorized', request_id: expect.stringMatching(REQUEST_ID) } });
      expect(answer.headers.get('x-rate-limit-limit')).toBe('2000');
    });

    it('refuses a wrong content type, malformed JSON and a wrong method', async () => {
      expect(await call(`${v1}/events`, { body: '{}', headers: { ...auth, 'content-type': 'text/plain' } })).toMatchObject({ status: 415, body: { code: 415 } });
      expect(await call(`${v1}/events`, { body: '{"event":', headers: auth })).toMatchObject({ status: 400, body: { key: 'invalid_payload' } });
      const wrongMethod = await call(`${v1}/events`, { method: 'PUT', body: {}, headers: auth });
      expect(wrongMethod).toMatchObject({ status: 405, body: { code: 405, details: expect.stringContaining('POST') } });
    });

    it('answers 429 over the per-minute limit with Retry-After and X-Rate-Limit-Type', async () => {
      const limited = await startVendorStubs({ accounts, limits: { voucherifyRequestsPerMinute: 1 } });
      try {
        const url = `${limited.urls.voucherify}/v1/customers`;
        expect((await call(url, { body: { source_id: 'm' }, headers: auth })).status).toBe(200);
        const refused = await call(url, { body: { source_id: 'm2' }, headers: auth });
        expect(refused).toMatchObject({ status: 429, body: { code: 429, message: 'Too many requests hit the API too quickly.' } });
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(refused.headers.get('x-rate-limit-type')).toBe('api_calls');
        expect(refused.headers.get('x-rate-limit-remaining')).toBe('0');
        expect(limited.received('voucherify')).toHaveLength(1);
      } finally {
        await limited.close();
      }
    });

    it('injects a 429 with Retry-After and X-Rate-Limit-Retry when asked, and neither when null', async () => {
      stubs.setFaults('voucherify', { rateLimit: { rate: 1, retryAfterSeconds: 30 } });
      const withRetry = await call(`${v1}/customers`, { body: { source_id: 'm' }, headers: auth });
      expect(withRetry).toMatchObject({ status: 429, body: { code: 429, message: 'Too many requests hit the API too quickly.' } });
      expect(withRetry.headers.get('retry-after')).toBe('30');
      expect(Number(withRetry.headers.get('x-rate-limit-retry'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 29);
      stubs.setFaults('voucherify', { rateLimit: { rate: 1, retryAfterSeconds: null } });
      const without = await call(`${v1}/customers`, { body: { source_id: 'm' }, headers: auth });
      expect(without.status).toBe(429);
      expect(without.headers.get('retry-after')).toBeNull();
      expect(without.headers.get('x-rate-limit-retry')).toBeNull();
      expect(stubs.received('voucherify')).toHaveLength(0);
    });

    it('injects 5xx with the Voucherify error body and persists nothing', async () => {
      stubs.setFaults('voucherify', { errorRate: 1, seed: 3 });
      const answer = await call(`${v1}/customers`, { body: { source_id: 'm' }, headers: auth });
      expect([500, 502, 503, 504]).toContain(answer.status);
      expect(answer.body).toMatchObject({ code: answer.status, message: expect.any(String), request_id: expect.stringMatching(REQUEST_ID) });
      expect(stubs.received('voucherify')).toHaveLength(0);
      expect((await call(`${v1}/customers/m`, { method: 'PUT', body: {}, headers: auth })).status).toBeGreaterThanOrEqual(500);
      stubs.setFaults('voucherify', {});
      expect((await call(`${v1}/customers/m`, { method: 'PUT', body: {}, headers: auth })).status).toBe(404);
    });
  });
});
