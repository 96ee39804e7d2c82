import { type ConnectorHarness, forwardedItems, startConnectorHarness } from '@loyalty/testing';
import { type StubVendor } from '@loyalty/vendor-stubs';

const EVENTS = Number(process.env['CONNECTOR_CHAOS_EVENTS'] ?? 50_000);
const MEMBERS = Math.max(10, Math.round(EVENTS / 25));
const VENDORS: readonly StubVendor[] = ['bloomreach', 'braze', 'voucherify', 'webhooks'];

/**
 * The chaos run: every vendor answers 30% of requests with a 5xx, rate-limits in bursts of 429s
 * (with and without a retry header) and holds some requests for a second, and the connector is
 * restarted halfway. Every forwarded event still reaches every destination exactly once, as the
 * stubs count it, and each member's events arrive in log order.
 */
describe(`connector: chaos over ${EVENTS.toLocaleString('en')} events`, () => {
  let harness: ConnectorHarness | undefined;

  afterAll(async () => {
    await harness?.stop();
  });

  it('delivers every event exactly once per destination, in order per member, through faults and a restart', async () => {
    harness = await startConnectorHarness({
      label: 'chaos',
      events: EVENTS,
      members: MEMBERS,
      // A 30 s deadline: the stubs share this process with jest, and an answer the connector gave up
      // on is retried, which a vendor without idempotency would count twice (ADR-19).
      destinationOverrides: { concurrency: 48, rateLimitPerSecond: 5_000, retry: { baseMs: 20, maxMs: 400 }, timeoutMs: 30_000 },
      faults: (_vendor, i) => ({
        errorRate: 0.3,
        rateLimit: { burstEvery: 300, burstLength: 15, retryAfterSeconds: i % 2 === 0 ? 1 : null },
        latencyMs: 1_000,
        latencyRate: 0.005,
        seed: 11 + i,
      }),
      publishBatch: 2_000,
    });
    const { connector, workload } = harness;
    const { stubs } = connector;
    await harness.publish();

    // Polled every second (not eventually's 100 ms): the stubs run in this process and their logs grow to 200k items.
    // From the stubs' counters (cheap), not their logs: scanning 200k items every second would stall
    // this process, which also serves the stubs. Bloomreach, Braze and Voucherify get two items per
    // event (attributes or customer, and the event), the webhook one.
    const counts = () => VENDORS.map((v) => stubs.stats(v).itemsAccepted / (v === 'webhooks' ? 1 : 2));
    const until = async (done: (c: number[]) => boolean, what: string, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!done(counts())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    };
    try {
      await until((c) => c.reduce((a, b) => a + b, 0) >= EVENTS * 2, 'half of the deliveries', 600_000);
      await connector.restart();
      await until((c) => c.every((n) => n >= EVENTS), 'every delivery', 900_000);
      // The counters also count repeated customer upserts (idempotent, after the restart): check the events themselves.
      await until(() => VENDORS.every((v) => forwardedItems(stubs.received(v)).length >= EVENTS), 'every event', 300_000);
    } catch (error) {
      const counts = VENDORS.map((v) => `${v} ${forwardedItems(stubs.received(v)).length} ${JSON.stringify(stubs.stats(v))}`).join('\n');
      throw new Error(`${(error as Error).message}\n${counts}\nconnector output:\n${connector.service().output().slice(-6_000)}`);
    }

    for (const vendor of VENDORS) {
      const items = forwardedItems(stubs.received(vendor));
      const ids = items.map((i) => i.eventId);
      expect({ vendor, delivered: ids.length, distinct: new Set(ids).size, duplicates: stubs.stats(vendor).duplicateEventIds }).toEqual({ vendor, delivered: EVENTS, distinct: EVENTS, duplicates: 0 });
      const byCustomer = new Map<string, string[]>();
      for (const item of [...items].sort((a, b) => a.sequence - b.sequence)) byCustomer.set(item.customerId, [...(byCustomer.get(item.customerId) ?? []), item.eventId!]);
      const outOfOrder = [...workload.forwarded].filter(([memberId, expected]) => {
        const got = byCustomer.get(vendor === 'bloomreach' ? workload.emails.get(memberId)! : memberId) ?? [];
        return got.join(',') !== expected.join(',');
      });
      expect({ vendor, outOfOrder: outOfOrder.length }).toEqual({ vendor, outOfOrder: 0 });
      // The faults did happen.
      expect(stubs.stats(vendor).injected.errors).toBeGreaterThan(EVENTS / 200);
    }
    const db = harness.openDatabase('chaos-spec');
    const dead = await db.selectFrom('connector_deliveries').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '<>', 'delivered').executeTakeFirstOrThrow();
    await db.destroy();
    expect(Number(dead.n)).toBe(0);
  }, 1_800_000);
});
