import { type ConnectorEvent } from '@loyalty/domain';
import { type AvroRecordCodec, connectorTopology, createKafkaClient } from '@loyalty/kafka';
import { type TestSystem, eventually, startTestSystem, uniqueTestId } from '@loyalty/testing';

/**
 * A purchase that lifts a member to Gold reaches every destination as the vendor expects it:
 * Bloomreach gets the seeds' tier event (customer_ids.registered = e-mail, tier_id, tier_name,
 * tenant_code, levelMove) and the customer's attributes; Braze an event and attributes; Voucherify
 * the customer upsert and the custom event; the webhook a signed request. The public topic carries
 * the event without personal data, and the delivery status API tells what reached whom.
 */
describe('connector: a tier change reaches every destination', () => {
  let system: TestSystem;
  const memberId = uniqueTestId('m');
  const email = `${memberId}@example.com`;

  beforeAll(async () => {
    system = await startTestSystem({ tenants: ['acme'], rules: true, connector: true });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('delivers the tier change to Bloomreach, Braze, Voucherify and the webhook, and says so per member', async () => {
    const now = system.clock.now();
    expect((await system.post('/v1/members', { tenantId: 'acme', memberId, enrolledAt: now, email })).status).toBeLessThan(300);
    const purchase = { tenantId: 'acme', transactionId: uniqueTestId('tx'), memberId, occurredAt: now, channel: 'web', currency: 'EUR', lines: [{ lineId: 'l1', sku: 'B', category: 'books', quantity: 1, unitPriceMinor: 550_000 }] };
    expect((await system.post('/v1/purchases', purchase)).status).toBe(202);
    const stubs = system.connector!.stubs;

    const bloomreach = await eventually(async () => stubs.received('bloomreach', { customerId: email }).find((i) => i.kind === 'event' && (i.payload as { properties?: { tier_id?: string } }).properties?.tier_id === 'gold'), 'the tier event at Bloomreach');
    expect(bloomreach.payload).toMatchObject({
      customer_ids: { registered: email },
      event_type: 'loyalty_tier_changed',
      properties: { tier_id: 'gold', tier_name: 'Gold', tenant_code: 'acme', levelMove: 'up' },
    });
    expect(typeof (bloomreach.payload as { timestamp: unknown }).timestamp).toBe('number');
    expect(stubs.received('bloomreach', { customerId: email }).some((i) => i.kind === 'customer' && (i.payload as { properties: Record<string, unknown> }).properties['loyalty_tier'] === 'Gold')).toBe(true);

    const braze = await eventually(async () => stubs.received('braze', { customerId: memberId }).find((i) => i.name === 'loyalty_tier_changed' && (i.payload as { properties: { tier_id?: string } }).properties.tier_id === 'gold'), 'the tier event at Braze');
    expect(braze.payload).toMatchObject({ external_id: memberId, properties: { tier_id: 'gold', levelMove: 'up' } });
    expect((braze.payload as { time: string }).time).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);

    const voucherify = await eventually(async () => stubs.received('voucherify', { customerId: memberId }).find((i) => i.name === 'loyalty_tier_changed' && (i.payload as { metadata: { tier_id?: string } }).metadata.tier_id === 'gold'), 'the tier event at Voucherify');
    expect(voucherify.payload).toMatchObject({ customer: { source_id: memberId }, metadata: { tier_id: 'gold' } });

    const webhook = await eventually(async () => stubs.received('webhooks').find((i) => i.name === 'tier_changed' && i.customerId === memberId && (i.payload as { data: { tier: { id: string } } }).data.tier.id === 'gold'), 'the signed webhook');
    expect(webhook.payload).toMatchObject({ type: 'tier_changed', memberId, data: { tier: { id: 'gold', name: 'Gold' }, direction: 'up' } });

    // Each destination got the event once.
    for (const vendor of ['bloomreach', 'braze', 'voucherify', 'webhooks'] as const) expect(stubs.stats(vendor).duplicateEventIds).toBe(0);

    // The delivery status of the member, per destination.
    const status = await eventually(async () => {
      const res = await fetch(`${system.connector!.service().baseUrl}/v1/members/${memberId}/deliveries`, { headers: { 'x-api-key': system.credentials.apiKeys['acme']! } });
      const body = (await res.json()) as { destinations: { destination: string; delivered: number; inFlight: number }[] };
      return body.destinations.every((d) => d.delivered >= 2 && d.inFlight === 0) ? body : undefined;
    }, 'every destination delivered');
    expect(status.destinations.map((d) => d.destination).sort()).toEqual(['acme-bloomreach', 'acme-braze', 'acme-voucherify', 'acme-webhook']);
    const other = await fetch(`${system.connector!.service().baseUrl}/v1/members/${memberId}/deliveries`, { headers: { 'x-api-key': 'wrong' } });
    expect(other.status).toBe(401);

    // The public topic: the tier change with the member's standing, and no personal data.
    const published = await readPublicTopic(system, memberId);
    const tierChanged = published.find((e) => e.type === 'tier_changed' && e.tier?.id === 'gold');
    expect(tierChanged).toMatchObject({ memberId, tenantId: 'acme', tier: { id: 'gold', name: 'Gold' }, direction: 'up', qualifyingPoints: 5_500 });
    expect(JSON.stringify(published)).not.toContain(email);
  });
});

async function readPublicTopic(system: TestSystem, memberId: string): Promise<ConnectorEvent[]> {
  const kafka = createKafkaClient(system.kafka, 'spec-public');
  const { topic } = connectorTopology(system.kafka);
  const codec: AvroRecordCodec = connectorTopology(system.kafka).codec;
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const open = new Set(ends.filter((p) => BigInt(p.high) > 0n).map((p) => p.partition));
  const events: ConnectorEvent[] = [];
  if (open.size === 0) return events;
  const consumer = kafka.consumer({ groupId: uniqueTestId('spec-public') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          const decoded = await codec.decodeRecord(message.value);
          if (decoded.ok && (decoded.record as ConnectorEvent).memberId === memberId) events.push(decoded.record as ConnectorEvent);
          const high = ends.find((p) => p.partition === partition)?.high ?? '0';
          if (BigInt(message.offset) + 1n >= BigInt(high)) open.delete(partition);
          if (open.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return events;
}
