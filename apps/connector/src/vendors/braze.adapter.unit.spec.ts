import fc from 'fast-check';
import {
  NOW,
  WITH_ATTRIBUTES as withAttributes,
  brazeConfig as destination,
  brazeCredentials as credentials,
  connectorEvent as publicEvent,
  deliveryItem as item,
} from '../test/adapter-fixtures';
import { BrazeAdapter } from './braze.adapter';
import { type VendorRequest } from './vendor-adapter';

type BrazeObject = Record<string, unknown> & { properties?: Record<string, unknown> };
const bodyOf = (request: VendorRequest) => JSON.parse(request.body) as { attributes?: BrazeObject[]; events?: BrazeObject[] };
const objectCount = (request: VendorRequest) => (bodyOf(request).attributes?.length ?? 0) + (bodyOf(request).events?.length ?? 0);

describe('BrazeAdapter.build', () => {
  it('given the credentials, then requests go to /users/track with the Bearer key', () => {
    const adapter = new BrazeAdapter(destination(), credentials);
    const [request] = adapter.build([item(publicEvent('e1'))]);

    expect(request).toMatchObject({ method: 'POST', url: 'https://rest.fra-02.braze.test/users/track' });
    expect(adapter.authorize()).toEqual({ authorization: 'Bearer braze-key-1', 'content-type': 'application/json' });
  });

  it('given an event, then an events object with the identifier, the name, the ISO-8601 time, the mapped properties and event_id', () => {
    const config = destination({ eventNames: { points_earned: 'loyalty_points_earned' }, eventProperties: { points: 'points', currency: 'currency', tier_id: 'tier.id', deadline: 'deadline' } });
    const [request] = new BrazeAdapter(config, credentials).build([item(publicEvent('e1'), 'ext-42')]);

    expect(bodyOf(request!)).toEqual({
      events: [{ external_id: 'ext-42', name: 'loyalty_points_earned', time: '2026-11-22T10:00:00.500Z', properties: { points: 120, currency: 'permanent', tier_id: 'silver', event_id: 'e1' } }],
    });
  });

  it('given no event name configured, then loyalty_<type>; given another identifier, then the hard id goes under it', () => {
    const [request] = new BrazeAdapter(destination({ identifier: 'email' }), credentials).build([item(publicEvent('e1', { type: 'tier_changed' }), 'ana@example.com')]);

    expect(bodyOf(request!).events![0]).toMatchObject({ email: 'ana@example.com', name: 'loyalty_tier_changed', properties: { event_id: 'e1' } });
    expect(bodyOf(request!).events![0]).not.toHaveProperty('external_id');
  });

  it('given attributes mapped, then an attributes object per event with the identifier and the mapped values', () => {
    const [request] = new BrazeAdapter(destination(withAttributes), credentials).build([item(publicEvent('e1'), 'ext-1'), item(publicEvent('e2', { tier: null }), 'ext-2')]);

    expect(bodyOf(request!).attributes).toEqual([
      { external_id: 'ext-1', loyalty_tier: 'Silver', loyalty_points: 700 },
      { external_id: 'ext-2', loyalty_points: 700 },
    ]);
    expect(request!.parts).toEqual([
      { eventId: 'e1', array: 'attributes', index: 0 },
      { eventId: 'e1', array: 'events', index: 0 },
      { eventId: 'e2', array: 'attributes', index: 1 },
      { eventId: 'e2', array: 'events', index: 1 },
    ]);
  });

  it('given any items, then no request has more than batchSize objects across arrays, no event is split, and parts point at their objects', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 2, max: 75 }), fc.boolean(), (count, batchSize, attributes) => {
        const items = Array.from({ length: count }, (_, i) => item(publicEvent(`e${i}`), `ext-${i}`));
        const requests = new BrazeAdapter(destination({ batchSize, ...(attributes ? withAttributes : {}) }), credentials).build(items);
        const perEvent = attributes ? 2 : 1;

        for (const request of requests) {
          const body = bodyOf(request);
          expect(objectCount(request)).toBeGreaterThan(0);
          expect(objectCount(request)).toBeLessThanOrEqual(batchSize);
          expect(request.parts).toHaveLength(objectCount(request));
          for (const part of request.parts) {
            const object = part.array === 'events' ? body.events?.[part.index] : body.attributes?.[part.index];
            expect(object?.external_id).toBe(`ext-${part.eventId.slice(1)}`);
          }
        }
        expect(requests.flatMap((r) => r.eventIds)).toEqual(items.map((i) => i.event.eventId));
        requests.slice(0, -1).forEach((r) => expect(objectCount(r) + perEvent).toBeGreaterThan(batchSize));
      }),
    );
  });

  it('given the default batch size, then 75 objects at most per request, attributes and events together', () => {
    const items = Array.from({ length: 100 }, (_, i) => item(publicEvent(`e${i}`)));
    const requests = new BrazeAdapter(destination(withAttributes), credentials).build(items);

    expect(requests.map(objectCount)).toEqual([74, 74, 52]);
  });
});

describe('BrazeAdapter.interpret', () => {
  const adapter = new BrazeAdapter(destination(withAttributes), credentials);
  const [request] = adapter.build(['e1', 'e2', 'e3'].map((id) => item(publicEvent(id))));
  const created = (errors?: unknown[]) => ({ status: 201, headers: {}, body: JSON.stringify({ message: 'success', attributes_processed: 3, events_processed: 3, ...(errors ? { errors } : {}) }) });

  it('given a 201 without errors, then accepted with no failures', () => {
    expect(adapter.interpret(request!, created(), NOW)).toEqual({ kind: 'accepted', failed: new Map() });
  });

  it('given errors[] naming objects by array and index, then those events fail alone', () => {
    const verdict = adapter.interpret(
      request!,
      created([
        { type: 'EXTERNAL_USER_ID_TOO_LARGE', input_array: 'events', index: 1 },
        { type: 'BAD_EMAIL_SUBSCRIPTION_STATE', input_array: 'attributes', index: 2 },
      ]),
      NOW,
    );

    expect(verdict).toEqual({
      kind: 'accepted',
      failed: new Map([
        ['e2', 'events[1]: EXTERNAL_USER_ID_TOO_LARGE'],
        ['e3', 'attributes[2]: BAD_EMAIL_SUBSCRIPTION_STATE'],
      ]),
    });
  });

  it('given errors[] naming objects the request did not send, then no event fails', () => {
    const verdict = adapter.interpret(request!, created([{ type: 'X', input_array: 'purchases', index: 0 }, { type: 'X', input_array: 'events', index: 9 }]), NOW);

    expect(verdict).toEqual({ kind: 'accepted', failed: new Map() });
  });

  it('given a 429 with X-Ratelimit-Retry-After, then retry after those seconds', () => {
    expect(adapter.interpret(request!, { status: 429, headers: { 'x-ratelimit-retry-after': '30' }, body: '' }, NOW)).toEqual({ kind: 'retry', reason: 'HTTP 429', retryAfterMs: 30_000, rateLimited: true });
  });

  it('given a 429 with only X-RateLimit-Reset, then retry at that epoch second (from nowMs)', () => {
    const reset = String(NOW / 1000 + 12);

    expect(adapter.interpret(request!, { status: 429, headers: { 'x-ratelimit-reset': reset }, body: '' }, NOW)).toMatchObject({ kind: 'retry', retryAfterMs: 12_000, rateLimited: true });
  });

  it('given a 429 with both, then X-Ratelimit-Retry-After wins', () => {
    const headers = { 'x-ratelimit-retry-after': '3', 'x-ratelimit-reset': String(NOW / 1000 + 60) };

    expect(adapter.interpret(request!, { status: 429, headers, body: '' }, NOW)).toMatchObject({ retryAfterMs: 3_000 });
  });

  it('given a 429 saying nothing, then retry with no vendor delay', () => {
    expect(adapter.interpret(request!, { status: 429, headers: {}, body: '' }, NOW)).toMatchObject({ kind: 'retry', retryAfterMs: null, rateLimited: true });
  });

  it.each([500, 502, 503])('given a %i, then retry, not rate limited, and the window reset header is no delay', (status) => {
    const verdict = adapter.interpret(request!, { status, headers: { 'x-ratelimit-reset': String(NOW / 1000 + 60) }, body: '' }, NOW);

    expect(verdict).toEqual({ kind: 'retry', reason: `HTTP ${status}`, retryAfterMs: null, rateLimited: false });
  });

  it.each([400, 401, 403, 404, 413, 415])('given a %i, then rejected for good', (status) => {
    const verdict = adapter.interpret(request!, { status, headers: {}, body: '{"message":"Max Input Length Exceeded"}' }, NOW);

    expect(verdict).toEqual({ kind: 'rejected', reason: `HTTP ${status}: {"message":"Max Input Length Exceeded"}` });
  });
});
