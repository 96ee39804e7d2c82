import { startVendorStubs, type VendorStubs } from './index';
import { accounts, call } from './test/stub-fixtures';

const auth = { authorization: `Bearer ${accounts.braze.apiKey}` };
const event = (externalId: string, eventId: string) => ({
  external_id: externalId,
  name: 'points_earned',
  time: '2026-01-01T00:00:00Z',
  properties: { event_id: eventId, points: 120 },
});

describe('Braze stub', () => {
  let stubs: VendorStubs;
  let url: string;

  beforeAll(async () => {
    stubs = await startVendorStubs({ accounts });
    url = `${stubs.urls.braze}/users/track`;
  });
  afterAll(() => stubs.close());
  beforeEach(() => stubs.reset());

  it('accepts attributes and events with 201 and counts only the arrays sent', async () => {
    const body = { attributes: [{ external_id: 'member-1', loyalty_tier: 'gold', last_event_id: 'e-0' }], events: [event('member-1', 'e-1')] };
    const answer = await call(url, { body, headers: auth });
    expect(answer).toMatchObject({ status: 201, body: { message: 'success', attributes_processed: 1, events_processed: 1 } });
    expect(answer.body).not.toHaveProperty('purchases_processed');
    expect(answer.body).not.toHaveProperty('errors');
    expect(answer.headers.get('x-ratelimit-limit')).toBe('3000');
    expect(answer.headers.get('x-ratelimit-remaining')).toBe('2999');
    expect(Number(answer.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    expect(stubs.received('braze').map(({ kind, customerId, eventId, name }) => ({ kind, customerId, eventId, name }))).toEqual([
      { kind: 'attributes', customerId: 'member-1', eventId: 'e-0', name: null },
      { kind: 'event', customerId: 'member-1', eventId: 'e-1', name: 'points_earned' },
    ]);
  });

  it('records a resent event again (Braze does not dedupe) and counts the duplicate', async () => {
    await call(url, { body: { events: [event('m', 'e-1')] }, headers: auth });
    await call(url, { body: { events: [event('m', 'e-1')] }, headers: auth });
    expect(stubs.received('braze')).toHaveLength(2);
    expect(stubs.stats('braze').duplicateEventIds).toBe(1);
  });

  it('reports invalid objects in errors[] inside a 201 and processes the others', async () => {
    const body = {
      events: [
        event('m1', 'e1'),
        { name: 'points_earned', time: '2026-01-01T00:00:00Z' },
        { external_id: 'm3', braze_id: 'b3', name: 'x', time: '2026-01-01T00:00:00Z' },
        { external_id: 'm4', name: 'x', time: 1767225600 },
        { external_id: 'm5', name: 'x', time: '2026-01-01T00:00:00Z', properties: { $bad: 1 } },
        { external_id: 'x'.repeat(988), name: 'x', time: '2026-01-01T00:00:00Z' },
      ],
      purchases: [
        { external_id: 'm1', product_id: 'p', currency: 'EUR', price: 9.5, time: '2026-01-01T00:00:00Z', quantity: 2 },
        { external_id: 'm1', product_id: 'p', currency: 'EURO', price: 9.5, time: '2026-01-01T00:00:00Z' },
        { external_id: 'm1', product_id: 'p', currency: 'EUR', price: 9.5, time: '2026-01-01T00:00:00Z', quantity: 101 },
      ],
      attributes: [{ external_id: 'm1', email_subscribe: 'maybe' }],
    };
    const answer = await call(url, { body, headers: auth });
    expect(answer).toMatchObject({ status: 201, body: { message: 'success', attributes_processed: 0, events_processed: 1, purchases_processed: 1 } });
    const errors = (answer.body as { errors: { type: string; input_array: string; index: number }[] }).errors;
    expect(errors.map(({ input_array, index }) => `${input_array}[${index}]`)).toEqual([
      'attributes[0]',
      'events[1]',
      'events[2]',
      'events[3]',
      'events[4]',
      'events[5]',
      'purchases[1]',
      'purchases[2]',
    ]);
    expect(errors[0]!.type).toBe('BAD_EMAIL_SUBSCRIPTION_STATE');
    expect(errors[5]!.type).toBe('EXTERNAL_USER_ID_TOO_LARGE');
    expect(stubs.stats('braze')).toMatchObject({ itemsAccepted: 2, itemsRejected: 8 });
  });

  it('accepts a secondary identifier when no primary one is given', async () => {
    const answer = await call(url, { body: { attributes: [{ email: 'a@example.com', first_name: 'A' }] }, headers: auth });
    expect(answer.body).toEqual({ message: 'success', attributes_processed: 1 });
    expect(stubs.received('braze', { customerId: 'a@example.com' })).toHaveLength(1);
  });

  it.each([
    ['no Authorization header', {}, 401],
    ['a key without the Bearer prefix', { authorization: accounts.braze.apiKey }, 401],
    ['a quoted key', { authorization: `Bearer "${accounts.braze.apiKey}"` }, 401],
    ['an unknown key', { authorization: 'Bearer nope' }, 401],
    ['a key without the users.track permission', { authorization: 'Bearer braze-key-without-users-track' }, 403],
  ])('refuses %s', async (_, headers, status) => {
    const answer = await call(url, { body: { events: [event('m', 'e')] }, headers });
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ message: expect.any(String) });
    expect(answer.headers.get('x-ratelimit-limit')).toBe('3000');
    expect(stubs.received('braze')).toHaveLength(0);
  });

  it('refuses a trailing slash, a wrong content type, invalid JSON and a body over 4 MB', async () => {
    expect((await call(`${url}/`, { body: { events: [] }, headers: auth })).status).toBe(404);
    expect((await call(url, { body: { events: [] }, headers: { ...auth, 'content-type': 'text/plain' } })).status).toBe(415);
    expect(await call(url, { body: '{"events": [', headers: auth })).toMatchObject({
      status: 400,
      body: { message: 'Error while parsing request body. Please check your syntax.' },
    });
    expect((await call(url, { body: { attributes: [{ external_id: 'm', blob: 'z'.repeat(4 * 1024 * 1024) }] }, headers: auth })).status).toBe(413);
    expect((await call(url, { body: { events: { 0: event('m', 'e') } }, headers: auth })).status).toBe(400);
  });

  it('refuses more than 75 objects in total, whatever the arrays', async () => {
    const body = { attributes: Array.from({ length: 40 }, (_, i) => ({ external_id: `m${i}`, a: 1 })), events: Array.from({ length: 36 }, (_, i) => event(`m${i}`, `e${i}`)) };
    expect(await call(url, { body, headers: auth })).toEqual(expect.objectContaining({ status: 400, body: { message: 'Max Input Length Exceeded' } }));
    expect(stubs.received('braze')).toHaveLength(0);
    expect((await call(url, { body: { ...body, events: body.events.slice(0, 35) }, headers: auth })).status).toBe(201);
  });

  it('counts the limit per array in the legacy mode', async () => {
    const legacy = await startVendorStubs({ accounts, limits: { brazeObjectLimitMode: 'per-array' } });
    try {
      const legacyUrl = `${legacy.urls.braze}/users/track`;
      const events = Array.from({ length: 75 }, (_, i) => event(`m${i}`, `e${i}`));
      const attributes = Array.from({ length: 75 }, (_, i) => ({ external_id: `m${i}`, a: 1 }));
      expect((await call(legacyUrl, { body: { events, attributes }, headers: auth })).status).toBe(201);
      expect((await call(legacyUrl, { body: { events: [...events, event('x', 'y')] }, headers: auth })).status).toBe(400);
    } finally {
      await legacy.close();
    }
  });

  it('fails injected items as errors[] entries', async () => {
    stubs.setFaults('braze', { itemFailureRate: 1 });
    const answer = await call(url, { body: { events: [event('m', 'e1'), event('m', 'e2')] }, headers: auth });
    expect(answer).toMatchObject({
      status: 201,
      body: { events_processed: 0, errors: [{ type: 'injected item failure', input_array: 'events', index: 0 }, { input_array: 'events', index: 1 }] },
    });
    expect(stubs.received('braze')).toHaveLength(0);
  });

  it('answers 429 over the burst limit, with the window reset in X-RateLimit-Reset', async () => {
    const limited = await startVendorStubs({ accounts, limits: { brazeRequestsPer3s: 1 } });
    try {
      const limitedUrl = `${limited.urls.braze}/users/track`;
      expect((await call(limitedUrl, { body: { events: [event('m', 'e1')] }, headers: auth })).status).toBe(201);
      const refused = await call(limitedUrl, { body: { events: [event('m', 'e2')] }, headers: auth });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(refused.headers.get('x-ratelimit-reset'))).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 3);
      expect(limited.received('braze')).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });

  it('injects a 429 with X-Ratelimit-Retry-After when asked, and without it when null', async () => {
    stubs.setFaults('braze', { rateLimit: { rate: 1, retryAfterSeconds: 2 } });
    const withRetry = await call(url, { body: { events: [event('m', 'e')] }, headers: auth });
    expect(withRetry.status).toBe(429);
    expect(withRetry.headers.get('x-ratelimit-retry-after')).toBe('2');
    stubs.setFaults('braze', { rateLimit: { rate: 1, retryAfterSeconds: null } });
    const without = await call(url, { body: { events: [event('m', 'e')] }, headers: auth });
    expect(without.status).toBe(429);
    expect(without.headers.get('x-ratelimit-retry-after')).toBeNull();
    expect(without.headers.get('x-ratelimit-reset')).not.toBeNull();
    expect(stubs.received('braze')).toHaveLength(0);
  });
});
