import { type ConnectorDatabase, createPool } from '@loyalty/db';
import { Kysely, PostgresDialect } from 'kysely';
import { KafkaEventPublisher, createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import {
  type TestConnector,
  connectorWorkload,
  createMigratedTestDatabase,
  databaseEnv,
  dropTestDatabase,
  kafkaEnv,
  provisionTestKafka,
  startTestConnector,
  testDestinations,
  uniqueTestId,
  writeTestCredentials,
  writeTestPrograms,
} from '@loyalty/testing';
import { type ReceivedItem, type StubVendor } from '@loyalty/vendor-stubs';

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
  let connector: TestConnector;
  let database: Awaited<ReturnType<typeof createMigratedTestDatabase>>;

  afterAll(async () => {
    await connector?.stop();
    if (database !== undefined) await dropTestDatabase(database);
  });

  it('delivers every event exactly once per destination, in order per member, through faults and a restart', async () => {
    const kafka = await provisionTestKafka('chaos');
    database = await createMigratedTestDatabase();
    const credentials = writeTestCredentials(['acme']);
    const shared = { ...kafkaEnv(kafka), ...databaseEnv(database), ...credentials.env, PROGRAMS_DIR: writeTestPrograms({ acme: {} }) };
    connector = await startTestConnector(kafka, shared, {
      destinations: () => testDestinations('acme', { concurrency: 48, rateLimitPerSecond: 5_000, retry: { baseMs: 20, maxMs: 400 } }),
      limits: { bloomreachRequestsPerMinute: 1_000_000, brazeRequestsPer3s: 1_000_000, voucherifyRequestsPerMinute: 1_000_000 },
    });
    const { stubs } = connector;
    VENDORS.forEach((vendor, i) =>
      stubs.setFaults(vendor, {
        errorRate: 0.3,
        rateLimit: { burstEvery: 300, burstLength: 15, retryAfterSeconds: i % 2 === 0 ? 1 : null },
        latencyMs: 1_000,
        latencyRate: 0.005,
        seed: 11 + i,
      }),
    );

    const workload = connectorWorkload({ tenantId: 'acme', members: MEMBERS, forwarded: EVENTS, runId: uniqueTestId('c') });
    const topology = ledgerTopology(kafka);
    const publisher = new KafkaEventPublisher(createKafkaClient(kafka, 'chaos-producer'), topology.codec, { topic: topology.topic, timeoutMs: 30_000 });
    for (let i = 0; i < workload.events.length; i += 2_000) await publisher.publish(workload.events.slice(i, i + 2_000));
    await publisher.close();

    // Polled every second (not eventually's 100 ms): the stubs run in this process and their logs grow to 200k items.
    const counts = () => VENDORS.map((v) => forwardedItems(stubs.received(v)).length);
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
    const db = new Kysely<ConnectorDatabase>({ dialect: new PostgresDialect({ pool: createPool(database, 'chaos-spec') }) });
    const dead = await db.selectFrom('connector_deliveries').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '<>', 'delivered').executeTakeFirstOrThrow();
    await db.destroy();
    expect(Number(dead.n)).toBe(0);
  }, 1_800_000);
});

/** The items that carry a forwarded event (not Bloomreach's or Braze's attribute updates, not Voucherify's customer upserts). */
function forwardedItems(items: readonly ReceivedItem[]): ReceivedItem[] {
  return items.filter((i) => (i.kind === 'event' || i.kind === 'webhook') && i.eventId !== null);
}
