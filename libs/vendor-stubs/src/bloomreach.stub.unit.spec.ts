import { startVendorStubs, type VendorStubs } from './index';
import { accounts, basic, call } from './test/stub-fixtures';

const auth = { authorization: basic(accounts.bloomreach.keyId, accounts.bloomreach.secret) };
const event = (memberId: string, eventId: string) => ({
  customer_ids: { registered: memberId },
  event_type: 'points_earned',
  timestamp: 1767225600.25,
  properties: { event_id: eventId, points: 120 },
});

describe('Bloomreach stub', () => {
  let stubs: VendorStubs;
  let base: string;

  beforeAll(async () => {
    stubs = await startVendorStubs({ accounts });
    base = `${stubs.urls.bloomreach}/track/v2/projects/${accounts.bloomreach.projectToken}`;
  });
  afterAll(() => stubs.close());
  beforeEach(() => stubs.reset());

  describe('single routes', () => {
    it('accepts an event with the documented success body and records it', async () => {
      const answer = await call(`${base}/customers/events`, { body: event('member-1', 'e-1'), headers: auth });
      expect(answer).toMatchObject({ status: 200, body: { success: true, errors: [] } });
      expect(stubs.received('bloomreach')).toEqual([
        expect.objectContaining({ vendor: 'bloomreach', kind: 'event', customerId: 'member-1', eventId: 'e-1', name: 'points_earned', payload: event('member-1', 'e-1') }),
      ]);
      expect(stubs.stats('bloomreach')).toMatchObject({ requests: 1, byStatus: { '200': 1 }, itemsAccepted: 1, itemsRejected: 0 });
    });

    it('accepts a customer update and files it under the registered id', async () => {
      const body = { customer_ids: { cookie: 'c-9', registered: 'member-2' }, properties: { loyalty_tier: 'gold', last_event_id: 'e-7' }, update_timestamp: 1767225600 };
      expect(await call(`${base}/customers`, { body, headers: auth })).toMatchObject({ status: 200, body: { success: true, errors: [] } });
      expect(stubs.received('bloomreach', { customerId: 'member-2' })).toEqual([expect.objectContaining({ kind: 'customer', eventId: 'e-7', name: null })]);
    });

    it('accepts public access with a Token header or the access_token parameter', async () => {
      const answer = await call(`${base}/customers/events`, { body: event('m', 'e'), headers: { authorization: `Token ${accounts.bloomreach.publicToken!}` } });
      expect(answer.status).toBe(200);
      const viaQuery = await call(`${base}/customers/events?access_token=${accounts.bloomreach.publicToken!}`, { body: event('m', 'e2') });
      expect(viaQuery.status).toBe(200);
      expect(stubs.received('bloomreach')).toHaveLength(2);
    });

    it.each([
      ['a missing customer id', { event_type: 'x', properties: { a: 1 } }, 'At least one id should be specified.'],
      ['an id without alphanumerics', { customer_ids: { registered: 'undefined' }, event_type: 'x' }, 'At least one id should be specified.'],
      ['a non-string id', { customer_ids: { registered: 42 }, event_type: 'x' }, 'Invalid customer_id'],
      ['a missing event_type', { customer_ids: { registered: 'm' }, properties: { a: 1 } }, 'event_type is required and must be a non-empty string.'],
      ['a string timestamp', { ...event('m', 'e'), timestamp: '2026-01-01T00:00:00Z' }, 'timestamp must be a number of Unix seconds.'],
      ['a timestamp in milliseconds', { ...event('m', 'e'), timestamp: 1767225600000 }, 'timestamp looks like milliseconds; send Unix seconds.'],
    ])('refuses %s with 200 success:false (the endpoint page behaviour)', async (_, body, error) => {
      const answer = await call(`${base}/customers/events`, { body, headers: auth });
      expect(answer).toMatchObject({ status: 200, body: { success: false, errors: [error] } });
      expect(stubs.received('bloomreach')).toHaveLength(0);
      expect(stubs.stats('bloomreach').itemsRejected).toBe(1);
    });

    it('refuses a customer update without properties', async () => {
      const answer = await call(`${base}/customers`, { body: { customer_ids: { registered: 'm' }, properties: {} }, headers: auth });
      expect(answer.body).toEqual({ success: false, errors: ['properties must be an object with at least one property.'] });
    });

    it('refuses a property value of 16 KB or more', async () => {
      const body = { customer_ids: { registered: 'm' }, properties: { note: 'x'.repeat(16 * 1024) } };
      expect((await call(`${base}/customers`, { body, headers: auth })).body).toEqual({ success: false, errors: ['Value of property note is 16 KB or more.'] });
    });
  });

  it('answers 400 for single-route errors in the error-guide mode', async () => {
    const strict = await startVendorStubs({ accounts, limits: { bloomreachSingleErrorStatus: 400 } });
    try {
      const url = `${strict.urls.bloomreach}/track/v2/projects/${accounts.bloomreach.projectToken}/customers/events`;
      expect(await call(url, { body: { event_type: 'x' }, headers: auth })).toMatchObject({ status: 400, body: { success: false } });
    } finally {
      await strict.close();
    }
  });

  describe('auth and request refusals', () => {
    it.each([
      ['no Authorization header', {}, 401, { success: false, error: 'Access key not provided' }],
      ['an unknown key id', { authorization: basic('other-key', 'x') }, 401, { success: false, error: 'Access key not found' }],
      ['a wrong secret', { authorization: basic(accounts.bloomreach.keyId, 'wrong') }, 403, { success: false, error: 'invalid secret' }],
      ['an unknown public token', { authorization: 'Token nope' }, 401, { success: false, error: 'Access key not found' }],
    ])('refuses %s', async (_, headers, status, body) => {
      expect(await call(`${base}/customers/events`, { body: event('m', 'e'), headers })).toMatchObject({ status, body });
      expect(stubs.received('bloomreach')).toHaveLength(0);
    });

    it('refuses an unknown project token with 400 Invalid project id', async () => {
      const answer = await call(`${stubs.urls.bloomreach}/track/v2/projects/proj-0123/customers/events`, { body: event('m', 'e'), headers: auth });
      expect(answer).toMatchObject({ status: 400, body: { success: false, error: 'Invalid project id' } });
    });

    it('refuses invalid JSON, a wrong content type, a wrong method and an unknown path', async () => {
      expect(await call(`${base}/customers/events`, { body: '{"customer_ids":', headers: auth })).toMatchObject({ status: 400, body: { success: false, message: 'Invalid JSON' } });
      expect((await call(`${base}/customers/events`, { body: event('m', 'e'), headers: { ...auth, 'content-type': 'text/plain' } })).status).toBe(415);
      expect((await call(`${base}/customers/events`, { method: 'PUT', body: event('m', 'e'), headers: auth })).status).toBe(405);
      expect((await call(`${base}/customers/event`, { body: event('m', 'e'), headers: auth })).status).toBe(404);
    });

    it('refuses a body of 800 KB or more', async () => {
      const body = { commands: [{ name: 'customers', data: { customer_ids: { registered: 'm' }, properties: { a: 'y'.repeat(800 * 1024) } } }] };
      expect((await call(`${base}/batch`, { body, headers: auth })).status).toBe(413);
    });
  });

  describe('batch', () => {
    it('answers positional results, echoes command_id and fails only the invalid commands', async () => {
      const body = {
        commands: [
          { name: 'customers', command_id: 'c1', data: { customer_ids: { registered: 'member-1' }, properties: { loyalty_tier: 'gold' } } },
          { name: 'customers/events', command_id: 'c2', data: { customer_ids: {}, event_type: 'points_earned' } },
          { name: 'customers/events', command_id: 'c3', data: event('member-1', 'e-3') },
          { name: 'customers/nonsense', command_id: 'c4', data: {} },
          { name: 'system/time' },
        ],
      };
      const answer = await call(`${base}/batch`, { body, headers: auth });
      expect(answer).toMatchObject({
        status: 200,
        body: {
          success: true,
          results: [
            { success: true, command_id: 'c1' },
            { success: false, command_id: 'c2', errors: ['At least one id should be specified.'] },
            { success: true, command_id: 'c3' },
            { success: false, command_id: 'c4' },
            { success: true, time: expect.any(Number) },
          ],
          start_time: expect.any(Number),
          end_time: expect.any(Number),
        },
      });
      expect(stubs.received('bloomreach').map((item) => item.kind)).toEqual(['customer', 'event']);
      expect(stubs.stats('bloomreach')).toMatchObject({ itemsAccepted: 2, itemsRejected: 2 });
    });

    it('refuses more than 50 commands, and an empty batch, as a whole', async () => {
      const commands = Array.from({ length: 51 }, (_, i) => ({ name: 'customers/events', data: event(`m${i}`, `e${i}`) }));
      expect(await call(`${base}/batch`, { body: { commands }, headers: auth })).toMatchObject({ status: 400, body: { success: false } });
      expect(await call(`${base}/batch`, { body: { commands: [] }, headers: auth })).toMatchObject({ status: 400, body: { success: false } });
      expect(stubs.received('bloomreach')).toHaveLength(0);
      expect((await call(`${base}/batch`, { body: { commands: commands.slice(0, 50) }, headers: auth })).status).toBe(200);
      expect(stubs.received('bloomreach')).toHaveLength(50);
    });

    it('fails injected items inside an accepted batch', async () => {
      stubs.setFaults('bloomreach', { itemFailureRate: 0.5, seed: 7 });
      const commands = Array.from({ length: 20 }, (_, i) => ({ name: 'customers/events', data: event(`m${i}`, `e${i}`) }));
      const answer = await call(`${base}/batch`, { body: { commands }, headers: auth });
      const results = (answer.body as { results: { success: boolean; errors?: string[] }[] }).results;
      const failed = results.filter((result) => !result.success);
      expect(answer.status).toBe(200);
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.length).toBeLessThan(20);
      expect(failed.every((result) => result.errors?.[0] === 'Injected item failure')).toBe(true);
      expect(stubs.received('bloomreach')).toHaveLength(20 - failed.length);
      expect(stubs.stats('bloomreach').injected.itemFailures).toBe(failed.length);
    });
  });

  describe('rate limits', () => {
    it('answers 429 over the per-minute limit and drops the data', async () => {
      const limited = await startVendorStubs({ accounts, limits: { bloomreachRequestsPerMinute: 2 } });
      try {
        const url = `${limited.urls.bloomreach}/track/v2/projects/${accounts.bloomreach.projectToken}/customers/events`;
        const statuses = [];
        for (let i = 0; i < 3; i += 1) statuses.push((await call(url, { body: event('m', `e${i}`), headers: auth })).status);
        expect(statuses).toEqual([200, 200, 429]);
        expect(limited.received('bloomreach')).toHaveLength(2);
      } finally {
        await limited.close();
      }
    });

    it('injects a 429 with Retry-After when asked, and without it when retryAfterSeconds is null', async () => {
      stubs.setFaults('bloomreach', { rateLimit: { rate: 1, retryAfterSeconds: 7 } });
      const withRetry = await call(`${base}/customers/events`, { body: event('m', 'e'), headers: auth });
      expect(withRetry.status).toBe(429);
      expect(withRetry.headers.get('retry-after')).toBe('7');
      stubs.setFaults('bloomreach', { rateLimit: { rate: 1, retryAfterSeconds: null } });
      const without = await call(`${base}/customers/events`, { body: event('m', 'e'), headers: auth });
      expect(without.status).toBe(429);
      expect(without.headers.get('retry-after')).toBeNull();
      expect(stubs.received('bloomreach')).toHaveLength(0);
      expect(stubs.stats('bloomreach').injected.rateLimited).toBe(2);
    });
  });
});
