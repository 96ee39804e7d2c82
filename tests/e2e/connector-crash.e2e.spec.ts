import { type ConnectorHarness, forwardedItems, startConnectorHarness } from '@loyalty/testing';
import { type StubVendor } from '@loyalty/vendor-stubs';

const EVENTS = 3_000;
const VENDORS: readonly { vendor: StubVendor; destination: string }[] = [
  { vendor: 'bloomreach', destination: 'acme-bloomreach' },
  { vendor: 'braze', destination: 'acme-braze' },
  { vendor: 'voucherify', destination: 'acme-voucherify' },
  { vendor: 'webhooks', destination: 'acme-webhook' },
];

/**
 * kill -9 of the connector in the middle of delivering, with slow vendor answers so requests are
 * in flight when it dies. Nothing is sent twice: an event whose request may have reached the vendor
 * before the crash (its journal row still `sending`) is dead-lettered as an unknown outcome for an
 * operator, never resent; every other event is delivered once, in order per member.
 */
describe('connector: kill -9 mid-delivery', () => {
  let harness: ConnectorHarness | undefined;

  afterAll(async () => {
    await harness?.stop();
  });

  it('never sends an event twice; each is delivered once or parked as an unknown outcome', async () => {
    harness = await startConnectorHarness({
      label: 'crash',
      events: EVENTS,
      members: 100,
      destinationOverrides: { concurrency: 16, rateLimitPerSecond: 2_000, retry: { baseMs: 20, maxMs: 200 } },
      faults: (_vendor, i) => ({ errorRate: 0.2, latencyMs: 300, latencyRate: 0.3, seed: 5 + i }),
    });
    const { connector } = harness;
    const { stubs } = connector;
    await harness.publish();

    const received = (vendor: StubVendor) => forwardedItems(stubs.received(vendor));
    const waitFor = async (done: () => boolean, what: string) => {
      const deadline = Date.now() + 300_000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${VENDORS.map((v) => `${v.vendor} ${received(v.vendor).length}`).join(', ')}\n${connector.service().output().slice(-4_000)}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    };
    // Mid-run for the slowest destinations (one request per event), with requests in flight.
    await waitFor(() => received('webhooks').length >= EVENTS / 3 && received('voucherify').length >= EVENTS / 4, 'a third of the deliveries');
    await connector.crashAndRestart();

    const db = harness.openDatabase('crash-spec');
    try {
      const settled = async (destination: string) =>
        Number((await db.selectFrom('connector_deliveries').select((eb) => eb.fn.countAll<string>().as('n')).where('destination', '=', destination).where('status', 'in', ['delivered', 'dead']).executeTakeFirstOrThrow()).n);
      const deadline = Date.now() + 300_000;
      for (const { destination } of VENDORS) {
        while ((await settled(destination)) < EVENTS) {
          if (Date.now() > deadline) throw new Error(`${destination}: ${await settled(destination)} of ${EVENTS} settled\n${connector.service().output().slice(-4_000)}`);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      for (const { vendor, destination } of VENDORS) {
        const ids = received(vendor).map((i) => i.eventId!);
        const rows = await db.selectFrom('connector_deliveries').select(['event_id', 'status', 'reason']).where('destination', '=', destination).execute();
        const unknown = new Set(rows.filter((r) => r.status === 'dead' && (r.reason ?? '').startsWith('outcome unknown')).map((r) => r.event_id));
        const otherDead = rows.filter((r) => r.status === 'dead' && !unknown.has(r.event_id));
        const delivered = new Set(rows.filter((r) => r.status === 'delivered').map((r) => r.event_id));
        // Never twice at the vendor; nothing delivered that it did not get; nothing lost.
        expect({ vendor, twice: ids.length - new Set(ids).size, duplicates: stubs.stats(vendor).duplicateEventIds }).toEqual({ vendor, twice: 0, duplicates: 0 });
        expect({ vendor, otherDead: otherDead.length, missing: [...delivered].filter((id) => !ids.includes(id)).length }).toEqual({ vendor, otherDead: 0, missing: 0 });
        expect(delivered.size + unknown.size).toBe(EVENTS);
        // Parked ones are few: at most what was in flight when the process died.
        expect(unknown.size).toBeLessThanOrEqual(16 * 75);
      }
    } finally {
      await db.destroy();
    }
  }, 900_000);
});
