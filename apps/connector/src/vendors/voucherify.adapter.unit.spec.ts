import { type ConnectorEvent } from '@loyalty/domain';
import { NOW, deliveryItem, tierUpEvent, voucherifyConfig as destination, voucherifyCredentials as credentials } from '../test/adapter-fixtures';
import { VoucherifyAdapter } from './voucherify.adapter';

const mapped = {
  eventNames: { tier_changed: 'loyalty_tier_changed' },
  eventProperties: { tier_id: 'tier.id', direction: 'direction' },
  attributes: { loyalty_tier: 'tier.name', loyalty_points_permanent: 'balance.permanent.active' },
};

/** A tier upgrade at a whole second, by a member with 800 permanent points and nothing pending. */
const publicEvent = (eventId: string, o: Partial<ConnectorEvent> = {}): ConnectorEvent =>
  tierUpEvent(eventId, { occurredAt: '2026-11-22T10:00:00.000Z', qualifyingPoints: 1_200, balances: [{ currency: 'permanent', active: 800, pending: 0 }], ...o });
const item = (event: ConnectorEvent, hardId = 'member-1') => deliveryItem(event, hardId);

describe('VoucherifyAdapter.build', () => {
  it('given an event with attributes mapped, then the customer is upserted by source_id, then the custom event is sent', () => {
    const requests = new VoucherifyAdapter(destination(mapped), credentials).build([item(publicEvent('e1'), 'member-1')]);

    expect(requests.map((r) => ({ method: r.method, url: r.url, body: JSON.parse(r.body) as unknown, eventIds: r.eventIds }))).toEqual([
      { method: 'POST', url: 'https://api.voucherify.test/v1/customers', body: { source_id: 'member-1', metadata: { loyalty_tier: 'Gold', loyalty_points_permanent: 800 } }, eventIds: ['e1'] },
      {
        method: 'POST',
        url: 'https://api.voucherify.test/v1/events',
        body: { event: 'loyalty_tier_changed', customer: { source_id: 'member-1' }, metadata: { tier_id: 'gold', direction: 'up', event_id: 'e1' } },
        eventIds: ['e1'],
      },
    ]);
  });

  it("given several items, then each item's customer and event requests follow each other, in the items' order", () => {
    const requests = new VoucherifyAdapter(destination(mapped), credentials).build([item(publicEvent('e1')), item(publicEvent('e2'))]);

    expect(requests.map((r) => `${r.eventIds.join()} ${r.url.slice(r.url.lastIndexOf('/') + 1)}`)).toEqual(['e1 customers', 'e1 events', 'e2 customers', 'e2 events']);
  });

  it('given no attributes mapped, then no customer request, only the event (with event_id)', () => {
    const requests = new VoucherifyAdapter(destination(), credentials).build([item(publicEvent('e1', { type: 'tier_downgrade_risk' }))]);

    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('https://api.voucherify.test/v1/events');
    expect(JSON.parse(requests[0]!.body)).toEqual({ event: 'loyalty_tier_downgrade_risk', customer: { source_id: 'member-1' }, metadata: { event_id: 'e1' } });
  });

  it('given attributes mapped that the event has no value for, then no customer request', () => {
    const requests = new VoucherifyAdapter(destination({ attributes: { loyalty_tier: 'tier.name' } }), credentials).build([item(publicEvent('e1', { tier: null }))]);

    expect(requests.map((r) => r.url)).toEqual(['https://api.voucherify.test/v1/events']);
  });

  it('given the credentials, then every request carries X-App-Id and X-App-Token', () => {
    expect(new VoucherifyAdapter(destination(), credentials).authorize()).toMatchObject({ 'x-app-id': 'app-id-1', 'x-app-token': 'app-token-1', 'content-type': 'application/json' });
  });
});

describe('VoucherifyAdapter.interpret', () => {
  const adapter = new VoucherifyAdapter(destination(mapped), credentials);
  const [request] = adapter.build([item(publicEvent('e1'))]);

  it.each([200, 201, 202])('given a %i, then accepted', (status) => {
    expect(adapter.interpret(request!, { status, headers: {}, body: '{}' }, NOW)).toEqual({ kind: 'accepted', failed: new Map() });
  });

  it('given a 429 with Retry-After, then retry after those seconds', () => {
    expect(adapter.interpret(request!, { status: 429, headers: { 'retry-after': '20' }, body: '' }, NOW)).toEqual({ kind: 'retry', reason: 'HTTP 429', retryAfterMs: 20_000, rateLimited: true });
  });

  it('given a 429 with only X-Rate-Limit-Retry, then retry at that epoch second (from nowMs)', () => {
    const verdict = adapter.interpret(request!, { status: 429, headers: { 'x-rate-limit-retry': String(NOW / 1000 + 45) }, body: '' }, NOW);

    expect(verdict).toMatchObject({ kind: 'retry', retryAfterMs: 45_000, rateLimited: true });
  });

  it('given a 503 with the usual X-Rate-Limit-Retry header, then retry with no vendor delay (the header is not about this failure)', () => {
    const verdict = adapter.interpret(request!, { status: 503, headers: { 'x-rate-limit-retry': String(NOW / 1000 + 45) }, body: '' }, NOW);

    expect(verdict).toEqual({ kind: 'retry', reason: 'HTTP 503', retryAfterMs: null, rateLimited: false });
  });

  it.each([400, 401, 403, 404, 409])('given a %i, then rejected for good', (status) => {
    const body = '{"code":404,"message":"Resource not found","key":"not_found"}';

    expect(adapter.interpret(request!, { status, headers: {}, body }, NOW)).toEqual({ kind: 'rejected', reason: `HTTP ${status}: ${body}` });
  });
});
