import { type ConnectorEvent } from '@loyalty/domain';
import fc from 'fast-check';
import {
  NOW,
  NO_CONTACT,
  WITH_ATTRIBUTES as withAttributes,
  bloomreachConfig as destination,
  bloomreachCredentials as credentials,
  connectorEvent as publicEvent,
  deliveryItem,
  tierUpEvent as tierUp,
} from '../test/adapter-fixtures';
import { BloomreachAdapter } from './bloomreach.adapter';
import { type VendorRequest } from './vendor-adapter';

/** The seeds' tier event: tier_id, tier_name, tenant_code (from the destination) and levelMove. */
const seedsMapping = {
  eventNames: { tier_changed: 'loyalty_challenge' },
  eventProperties: { tier_id: 'tier.id', tier_name: 'tier.name', levelMove: 'direction', previous_tier_id: 'previousTier.id', points: 'points' },
  tenantCode: 'demo-code',
};

/** Bloomreach identifies the customer by e-mail: the hard id is the member's address. */
const item = (event: ConnectorEvent, hardId = 'ana@example.com') => deliveryItem(event, hardId, { contact: { ...NO_CONTACT, email: hardId } });

interface Command {
  name: string;
  command_id: string;
  data: { customer_ids: Record<string, string>; properties: Record<string, unknown>; event_type?: string; timestamp?: number; update_timestamp?: number };
}
const commandsOf = (request: VendorRequest): Command[] => (JSON.parse(request.body) as { commands: Command[] }).commands;
const eventCommand = (request: VendorRequest, i = 0): Command => commandsOf(request).filter((c) => c.name === 'customers/events')[i]!;
const okResponse = (results: readonly unknown[]) => ({ status: 200, headers: {}, body: JSON.stringify({ success: true, results }) });

describe('BloomreachAdapter.build', () => {
  it("given the credentials, then requests go to the project's batch endpoint with Basic auth of key id and secret", () => {
    const adapter = new BloomreachAdapter(destination(), credentials);
    const [request] = adapter.build([item(publicEvent('e1'))]);
    const headers = adapter.authorize();

    expect(request).toMatchObject({ method: 'POST', url: 'https://api.exponea.test/track/v2/projects/proj-token-1/batch' });
    expect(headers.authorization).toMatch(/^Basic /);
    expect(Buffer.from(headers.authorization!.slice('Basic '.length), 'base64').toString()).toBe('key-id-1:s3cret-value');
    expect(headers['content-type']).toBe('application/json');
  });

  it('given no items, then no request', () => {
    expect(new BloomreachAdapter(destination(), credentials).build([])).toEqual([]);
  });

  it("given the seeds' mapping, then a tier upgrade is the seeds' tier event: tier_id, tier_name, tenant_code, levelMove up and event_id", () => {
    const [request] = new BloomreachAdapter(destination(seedsMapping), credentials).build([item(tierUp('e1'))]);
    const command = eventCommand(request!);

    expect(command.data.event_type).toBe('loyalty_challenge');
    expect(command.data.properties).toEqual({ tier_id: 'gold', tier_name: 'Gold', levelMove: 'up', previous_tier_id: 'silver', tenant_code: 'demo-code', event_id: 'e1' });
  });

  it("given a downgrade, then levelMove is down", () => {
    const down = publicEvent('e1', { type: 'tier_changed', tier: { id: 'silver', name: 'Silver' }, previousTier: { id: 'gold', name: 'Gold' }, direction: 'down', reason: 'expired' });
    const [request] = new BloomreachAdapter(destination(seedsMapping), credentials).build([item(down)]);

    expect(eventCommand(request!).data.properties).toMatchObject({ levelMove: 'down', tier_id: 'silver', previous_tier_id: 'gold' });
  });

  it('given no tenant code, then tenant_code is the tenant id; given no event name, then loyalty_<type>', () => {
    const [request] = new BloomreachAdapter(destination(), credentials).build([item(publicEvent('e1', { tenantId: 'acme' }))]);

    expect(eventCommand(request!).data).toMatchObject({ event_type: 'loyalty_points_earned', properties: { tenant_code: 'acme', event_id: 'e1' } });
  });

  it('given no event properties mapped, or a mapping that names event_id, then event_id is still the event id', () => {
    const plain = new BloomreachAdapter(destination(), credentials).build([item(publicEvent('e1'))]);
    const clashing = new BloomreachAdapter(destination({ eventProperties: { event_id: 'memberId' } }), credentials).build([item(publicEvent('e2'))]);

    expect(eventCommand(plain[0]!).data.properties).toEqual({ tenant_code: 'demo', event_id: 'e1' });
    expect(eventCommand(clashing[0]!).data.properties.event_id).toBe('e2');
  });

  it('given a mapped field the event has no value for, then the property is left out', () => {
    const [request] = new BloomreachAdapter(destination(seedsMapping), credentials).build([item(publicEvent('e1', { tier: null }))]);

    expect(eventCommand(request!).data.properties).not.toHaveProperty('tier_id');
    expect(eventCommand(request!).data.properties).toMatchObject({ points: 120 });
  });

  it('given the hard id, then it is the registered customer id of every command; another id name when configured', () => {
    const [registered] = new BloomreachAdapter(destination(withAttributes), credentials).build([item(publicEvent('e1'), 'ana@example.com')]);
    const [custom] = new BloomreachAdapter(destination({ customerIdName: 'email_id' }), credentials).build([item(publicEvent('e1'), 'ana@example.com')]);

    expect(commandsOf(registered!).map((c) => c.data.customer_ids)).toEqual([{ registered: 'ana@example.com' }, { registered: 'ana@example.com' }]);
    expect(eventCommand(custom!).data.customer_ids).toEqual({ email_id: 'ana@example.com' });
  });

  it('given an event time, then timestamp is Unix seconds (fractional), never milliseconds', () => {
    const [request] = new BloomreachAdapter(destination(), credentials).build([item(publicEvent('e1', { occurredAt: '2026-11-22T10:00:00.500Z' }))]);

    expect(eventCommand(request!).data.timestamp).toBe(1_795_341_600.5);
  });

  it('given attributes mapped, then a customers command comes first with the attributes and update_timestamp in seconds', () => {
    const [request] = new BloomreachAdapter(destination(withAttributes), credentials).build([item(publicEvent('e1'))]);
    const [customer, event] = commandsOf(request!);

    expect(customer).toEqual({
      name: 'customers',
      command_id: 'e1:customer',
      data: { customer_ids: { registered: 'ana@example.com' }, properties: { loyalty_tier: 'Silver', loyalty_points: 700 }, update_timestamp: 1_795_341_600.5 },
    });
    expect(event).toMatchObject({ name: 'customers/events', command_id: 'e1:event' });
  });

  it('given no attributes mapped, then only the event command is sent', () => {
    const [request] = new BloomreachAdapter(destination(), credentials).build([item(publicEvent('e1'))]);

    expect(commandsOf(request!).map((c) => c.name)).toEqual(['customers/events']);
  });

  it('given event ids with colons, then each part still names its event', () => {
    const [request] = new BloomreachAdapter(destination(withAttributes), credentials).build([item(publicEvent('acme:m-1:e:1'))]);

    expect(request!.parts.map((p) => p.eventId)).toEqual(['acme:m-1:e:1', 'acme:m-1:e:1']);
    expect(request!.eventIds).toEqual(['acme:m-1:e:1']);
  });

  it('given any items and batch size, then no request has more commands than the batch size, no event is split, and the order is kept', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 130 }), fc.integer({ min: 2, max: 50 }), fc.boolean(), (count, batchSize, attributes) => {
        const items = Array.from({ length: count }, (_, i) => item(publicEvent(`e${i}`)));
        const requests = new BloomreachAdapter(destination({ batchSize, ...(attributes ? withAttributes : {}) }), credentials).build(items);
        const perEvent = attributes ? 2 : 1;

        for (const request of requests) {
          const commands = commandsOf(request);
          expect(commands.length).toBeGreaterThan(0);
          expect(commands.length).toBeLessThanOrEqual(batchSize);
          expect(request.parts.map((p) => p.index)).toEqual(commands.map((_, i) => i));
          expect(request.parts.map((p) => `${p.eventId}:${commands[p.index]!.name === 'customers' ? 'customer' : 'event'}`)).toEqual(commands.map((c) => c.command_id));
          expect(request.eventIds).toEqual([...new Set(request.parts.map((p) => p.eventId))]);
        }
        // Each event in exactly one request, in the items' order; a request is only closed when the next event does not fit.
        expect(requests.flatMap((r) => r.eventIds)).toEqual(items.map((i) => i.event.eventId));
        requests.slice(0, -1).forEach((r) => expect(commandsOf(r).length + perEvent).toBeGreaterThan(batchSize));
      }),
    );
  });
});

describe('BloomreachAdapter.interpret', () => {
  const adapter = new BloomreachAdapter(destination(withAttributes), credentials);
  const [request] = adapter.build(['e1', 'e2', 'e3'].map((id) => item(publicEvent(id))));
  const ok = { success: true };

  it('given every command succeeded, then accepted with no failures', () => {
    expect(adapter.interpret(request!, okResponse(Array.from({ length: 6 }, () => ok)), NOW)).toEqual({ kind: 'accepted', failed: new Map() });
  });

  it("given a command failed, then the event at that position fails alone, with the vendor's errors", () => {
    const results = [ok, ok, ok, { success: false, errors: ['At least one id should be specified.'] }, ok, ok];
    const verdict = adapter.interpret(request!, okResponse(results), NOW);

    expect(verdict.kind).toBe('accepted');
    const failed = verdict.kind === 'accepted' ? verdict.failed : new Map<string, string>();
    expect([...failed.keys()]).toEqual(['e2']);
    expect(failed.get('e2')).toContain('At least one id should be specified.');
  });

  it("given an event's customers command failed, then that event fails", () => {
    const verdict = adapter.interpret(request!, okResponse([ok, ok, ok, ok, { success: false }, ok]), NOW);

    expect(verdict.kind === 'accepted' && [...verdict.failed.keys()]).toEqual(['e3']);
  });

  it('given the whole batch refused with success:false, then rejected', () => {
    const verdict = adapter.interpret(request!, { status: 200, headers: {}, body: JSON.stringify({ success: false, error: 'Invalid project id' }) }, NOW);

    expect(verdict).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('Invalid project id') });
  });

  it('given an answer that is not JSON, then rejected', () => {
    expect(adapter.interpret(request!, { status: 200, headers: {}, body: '<html>gateway</html>' }, NOW).kind).toBe('rejected');
  });

  it('given fewer results than commands, then rejected (positions cannot be trusted)', () => {
    const verdict = adapter.interpret(request!, okResponse([ok, ok, ok, ok, ok]), NOW);

    expect(verdict).toMatchObject({ kind: 'rejected', reason: 'batch answered 5 results for 6 commands' });
  });

  it('given a 429 without Retry-After, then retry, rate limited, with no vendor delay', () => {
    expect(adapter.interpret(request!, { status: 429, headers: {}, body: '' }, NOW)).toEqual({ kind: 'retry', reason: 'HTTP 429', retryAfterMs: null, rateLimited: true });
  });

  it('given a 429 with Retry-After, then retry after that many seconds', () => {
    expect(adapter.interpret(request!, { status: 429, headers: { 'retry-after': '7' }, body: '' }, NOW)).toMatchObject({ kind: 'retry', retryAfterMs: 7_000, rateLimited: true });
  });

  it.each([500, 502, 503, 504])('given a %i, then retry, not rate limited', (status) => {
    expect(adapter.interpret(request!, { status, headers: {}, body: 'oops' }, NOW)).toEqual({ kind: 'retry', reason: `HTTP ${status}`, retryAfterMs: null, rateLimited: false });
  });

  it.each([400, 401, 403, 404])('given a %i, then rejected for good, with the answer in the reason', (status) => {
    const verdict = adapter.interpret(request!, { status, headers: {}, body: '{"success":false,"error":"Could not authenticate"}' }, NOW);

    expect(verdict).toEqual({ kind: 'rejected', reason: `HTTP ${status}: {"success":false,"error":"Could not authenticate"}` });
  });
});
