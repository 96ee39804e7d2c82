import { type TestSystem, connectorWorkload, eventually, scrapeMetric, startTestSystem, uniqueTestId } from '@loyalty/testing';
import { type StubVendor } from '@loyalty/vendor-stubs';
import { VENDORS, copies, forwardedItems, publishLedgerEvents } from '../test/system-helpers';

const DESTINATIONS = ['acme-bloomreach', 'acme-braze', 'acme-voucherify', 'acme-webhook'];
const OTHERS: readonly StubVendor[] = ['bloomreach', 'voucherify', 'webhooks'];

/**
 * The whole system with Braze down (5xx to everything): Bloomreach, Voucherify and the webhook get
 * every event meanwhile, since each destination reads the public topic from its own group; when
 * Braze is back, its backlog drains, each event exactly once, and the metrics say what happened.
 */
describe('connector: one destination down', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({ tenants: ['acme'], connector: true });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('keeps delivering to the others while Braze is down, then drains the Braze backlog exactly once', async () => {
    const connector = system.connector!;
    const { stubs } = connector;
    stubs.setFaults('braze', { errorRate: 1 });
    const workload = connectorWorkload({ tenantId: 'acme', members: 8, forwarded: 80, runId: uniqueTestId('o') });
    const eventIds = [...workload.forwarded.values()].flat();
    const all = (vendor: StubVendor) => copies(stubs.received(vendor), eventIds).every((n) => n >= 1);

    await publishLedgerEvents(system.kafka, workload.events);

    await eventually(async () => (OTHERS.every(all) ? true : undefined), 'every event at Bloomreach, Voucherify and the webhook', 60_000);
    // Isolation: the others are complete while Braze has still accepted nothing and keeps failing.
    const errorsSoFar = stubs.stats('braze').injected.errors;
    expect(errorsSoFar).toBeGreaterThan(0);
    expect(forwardedItems(stubs.received('braze'))).toEqual([]);
    await eventually(async () => (stubs.stats('braze').injected.errors > errorsSoFar ? true : undefined), 'Braze still being retried');

    stubs.setFaults('braze', {});
    await eventually(async () => (all('braze') ? true : undefined), 'the Braze backlog drained', 60_000);

    for (const vendor of VENDORS) {
      expect({ vendor, copies: new Set(copies(stubs.received(vendor), eventIds)), duplicates: stubs.stats(vendor).duplicateEventIds }).toEqual({ vendor, copies: new Set([1]), duplicates: 0 });
    }
    const baseUrl = connector.service().baseUrl;
    expect(await scrapeMetric(baseUrl, 'loyalty_connector_retried_total', { destination: 'acme-braze', cause: 'server-error' })).toBeGreaterThan(0);
    expect(await scrapeMetric(baseUrl, 'loyalty_connector_retried_total', { destination: 'acme-webhook', cause: 'server-error' })).toBeUndefined();
    await eventually(async () => {
      const lags = await Promise.all(DESTINATIONS.map((destination) => scrapeMetric(baseUrl, 'loyalty_connector_lag', { destination })));
      return lags.every((lag) => lag === 0) ? true : undefined;
    }, 'no lag left on any destination');
    const status = await fetch(`${baseUrl}/v1/destinations`, { headers: { 'x-api-key': system.credentials.apiKeys['acme']! } });
    const body = (await status.json()) as { destinations: { destination: string; delivered: number; dead: number; inFlight: number }[] };
    expect(body.destinations.map(({ destination, delivered, dead, inFlight }) => ({ destination, delivered, dead, inFlight })).sort((a, b) => a.destination.localeCompare(b.destination))).toEqual(
      DESTINATIONS.map((destination) => ({ destination, delivered: eventIds.length, dead: 0, inFlight: 0 })),
    );
  });
});
