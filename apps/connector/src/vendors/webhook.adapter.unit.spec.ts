import { type ConnectorEvent } from '@loyalty/domain';
import { NOW, connectorEvent, deliveryItem, webhookConfig as destination, webhookCredentials as credentials } from '../test/adapter-fixtures';
import { WebhookAdapter } from './webhook.adapter';
import { signWebhook } from './webhook-signature';

/** An event at a whole second, by a member in a custom tier. */
const publicEvent = (eventId: string, o: Partial<ConnectorEvent> = {}): ConnectorEvent => connectorEvent(eventId, { occurredAt: '2026-11-22T10:00:00.000Z', customTiers: ['vip'], ...o });
const contact = { email: 'ana@example.com', phone: '+4915112345678', loyaltyCardNumber: 'CARD-9' };
const item = (event: ConnectorEvent, deliveryId: string) => deliveryItem(event, 'm-1', { contact, deliveryId });

describe('WebhookAdapter.build', () => {
  const adapter = new WebhookAdapter(destination(), credentials);

  it('given items, then one POST per event to the configured URL, in order', () => {
    const requests = adapter.build([item(publicEvent('e1'), 'd1'), item(publicEvent('e2'), 'd2')]);

    expect(requests.map((r) => [r.method, r.url, r.eventIds])).toEqual([
      ['POST', credentials.url, ['e1']],
      ['POST', credentials.url, ['e2']],
    ]);
  });

  it('given an item, then the headers carry the stable event id, the delivery id and the type', () => {
    const [request] = adapter.build([item(publicEvent('e1', { type: 'tier_changed' }), 'delivery-7')]);

    expect(request!.headers).toEqual({ 'loyalty-event-id': 'e1', 'loyalty-delivery-id': 'delivery-7', 'loyalty-event-type': 'tier_changed' });
  });

  it('given an item, then the body is the public event, with its envelope and the destination, and no contact point', () => {
    const event = publicEvent('e1');
    const [request] = adapter.build([item(event, 'd1')]);

    expect(JSON.parse(request!.body)).toEqual({ id: 'e1', type: 'points_earned', tenantId: 'demo', memberId: 'm-1', occurredAt: '2026-11-22T10:00:00.000Z', destination: 'demo-webhook', data: event });
    for (const value of Object.values(contact)) expect(request!.body).not.toContain(value);
  });
});

describe('WebhookAdapter.authorize', () => {
  const adapter = new WebhookAdapter(destination(), credentials);
  const [request] = adapter.build([item(publicEvent('e1'), 'd1')]);

  it('given an attempt, then the signature is HMAC-SHA256 of "<unix seconds>.<body>" with the signing secret', () => {
    const headers = adapter.authorize(request!, NOW + 999);

    expect(headers['loyalty-signature']).toBe(signWebhook('whsec_test_1', request!.body, NOW / 1000));
    expect(headers['loyalty-signature']).toMatch(new RegExp(`^t=${NOW / 1000},v1=[0-9a-f]{64}$`));
    expect(headers['content-type']).toBe('application/json');
  });

  it('given attempts at different seconds, then the signatures differ; within one second they are the same', () => {
    const first = adapter.authorize(request!, NOW)['loyalty-signature'];

    expect(adapter.authorize(request!, NOW + 500)['loyalty-signature']).toBe(first);
    expect(adapter.authorize(request!, NOW + 1_000)['loyalty-signature']).not.toBe(first);
  });

  it('given another secret, then another signature', () => {
    const other = new WebhookAdapter(destination(), { ...credentials, signingSecret: 'whsec_other' });

    expect(other.authorize(request!, NOW)['loyalty-signature']).not.toBe(adapter.authorize(request!, NOW)['loyalty-signature']);
  });
});

describe('WebhookAdapter.interpret', () => {
  const adapter = new WebhookAdapter(destination(), credentials);
  const [request] = adapter.build([item(publicEvent('e1'), 'd1')]);

  it.each([200, 202, 204])('given a %i, then accepted', (status) => {
    expect(adapter.interpret(request!, { status, headers: {}, body: '' }, NOW)).toEqual({ kind: 'accepted', failed: new Map() });
  });

  it('given a 429 with Retry-After, then retry after it, rate limited', () => {
    expect(adapter.interpret(request!, { status: 429, headers: { 'retry-after': '2' }, body: '' }, NOW)).toEqual({ kind: 'retry', reason: 'HTTP 429', retryAfterMs: 2_000, rateLimited: true });
  });

  it.each([500, 503, 408])('given a %i, then retry, not rate limited', (status) => {
    expect(adapter.interpret(request!, { status, headers: {}, body: '' }, NOW)).toMatchObject({ kind: 'retry', rateLimited: false, retryAfterMs: null });
  });

  it.each([400, 401, 410])('given a %i, then rejected for good', (status) => {
    expect(adapter.interpret(request!, { status, headers: {}, body: 'bad signature' }, NOW)).toEqual({ kind: 'rejected', reason: `HTTP ${status}: bad signature` });
  });
});
