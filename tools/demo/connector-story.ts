// The demo's last step: what each bundled vendor stub received for the tier story member's tier
// changes, as the connector delivered them (Bloomreach's seeds-shaped event, Braze, Voucherify,
// the signed webhook), and the member's delivery status from the connector's API.
import { z } from 'zod';
import { sleep } from './demo-http';
import { say, step } from './demo-output';
import { CONNECTOR, VENDOR_STUBS } from './demo-settings';

/** How long the demo waits for every stub to hold the member's last tier change. */
const DELIVERY_WAIT_MS = 60_000;

const receivedSchema = z.array(z.object({ kind: z.string(), customerId: z.string(), eventId: z.string().nullable(), name: z.string().nullable(), payload: z.unknown(), receivedAt: z.string(), sequence: z.number() }));
type Received = z.infer<typeof receivedSchema>[number];

interface Vendor {
  readonly stub: 'bloomreach' | 'braze' | 'voucherify' | 'webhooks';
  readonly label: string;
  /** How the vendor knows the member (Bloomreach: the e-mail, the destination's hard id). */
  readonly customerId: (memberId: string) => string;
  readonly tierChange: (item: Received) => boolean;
  readonly show: (item: Received) => string;
}

const props = (item: Received, key: string): Record<string, unknown> => ((item.payload as Record<string, unknown> | null)?.[key] ?? {}) as Record<string, unknown>;

const VENDORS: readonly Vendor[] = [
  {
    stub: 'bloomreach',
    label: 'Bloomreach (POST /track/v2/projects/{token}/batch, customers/events)',
    customerId: (m) => `${m}@example.com`,
    tierChange: (i) => i.kind === 'event' && i.name === 'loyalty_challenge',
    show: (i) => {
      const p = props(i, 'properties');
      return `customer_ids ${JSON.stringify(props(i, 'customer_ids'))} event_type ${i.name}: tier_id ${String(p['tier_id'])}, tier_name ${String(p['tier_name'])}, tenant_code ${String(p['tenant_code'])}, levelMove ${String(p['levelMove'])}`;
    },
  },
  {
    stub: 'braze',
    label: 'Braze (POST /users/track, events)',
    customerId: (m) => m,
    tierChange: (i) => i.kind === 'event' && i.name === 'loyalty_tier_changed',
    show: (i) => {
      const p = props(i, 'properties');
      return `external_id ${i.customerId} ${i.name} at ${String((i.payload as { time?: string }).time)}: ${String(p['previous_tier_id'] ?? '-')} -> ${String(p['tier_id'])} (${String(p['direction'])})`;
    },
  },
  {
    stub: 'voucherify',
    label: 'Voucherify (POST /v1/events, after the customer upsert by source_id)',
    customerId: (m) => m,
    tierChange: (i) => i.kind === 'event' && i.name === 'loyalty_tier_changed',
    show: (i) => {
      const m = props(i, 'metadata');
      return `customer.source_id ${i.customerId} ${i.name}: tier ${String(m['tier_name'])} (${String(m['direction'])})`;
    },
  },
  {
    stub: 'webhooks',
    label: 'signed webhook (Loyalty-Signature HMAC-SHA256, verified by the stub)',
    customerId: (m) => m,
    tierChange: (i) => i.name === 'tier_changed',
    show: (i) => {
      const data = props(i, 'data') as { tier?: { name?: string }; previousTier?: { name?: string } | null; direction?: string };
      return `event ${i.eventId ?? ''}: ${data.previousTier?.name ?? '-'} -> ${data.tier?.name ?? ''} (${data.direction ?? ''})`;
    },
  },
];

async function received(vendor: Vendor, memberId: string): Promise<Received[]> {
  const res = await fetch(`${VENDOR_STUBS}/__stub/${vendor.stub}/received?customerId=${encodeURIComponent(vendor.customerId(memberId))}`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`the ${vendor.stub} stub answered ${res.status} at ${VENDOR_STUBS}`);
  return receivedSchema.parse(await res.json()).filter(vendor.tierChange);
}

/**
 * Waits until every stub holds `tierChanges` tier changes of the member (the story's count), then
 * prints them per vendor, in the order they arrived.
 */
export async function showConnectorDeliveries(stepNumber: number, memberId: string, tierChanges: number, apiKey: string): Promise<void> {
  step(stepNumber, `What each vendor stub received for ${memberId}'s ${tierChanges} tier changes, delivered by the connector (stubs at ${VENDOR_STUBS})`);
  const deadline = Date.now() + DELIVERY_WAIT_MS;
  let got: Received[][] = [];
  for (;;) {
    got = await Promise.all(VENDORS.map((v) => received(v, memberId)));
    if (got.every((items) => items.length >= tierChanges)) break;
    if (Date.now() > deadline) {
      const counts = VENDORS.map((v, i) => `${v.stub} ${got[i]?.length ?? 0}`).join(', ');
      throw new Error(`the stubs did not all receive ${tierChanges} tier changes in ${DELIVERY_WAIT_MS / 1000} s (${counts}); see .stack/logs/connector.log`);
    }
    await sleep(500);
  }
  VENDORS.forEach((vendor, i) => {
    say(vendor.label);
    for (const item of got[i] ?? []) say(`  ${item.receivedAt}  ${vendor.show(item)}`);
  });
  const res = await fetch(`${CONNECTOR}/v1/members/${encodeURIComponent(memberId)}/deliveries`, { headers: { 'x-api-key': apiKey }, signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`the connector's delivery status answered ${res.status}`);
  const status = z.object({ destinations: z.array(z.object({ destination: z.string(), delivered: z.number(), dead: z.number(), inFlight: z.number() })) }).parse(await res.json());
  say(`delivery status (GET ${CONNECTOR}/v1/members/${memberId}/deliveries):`);
  for (const d of status.destinations) say(`  ${d.destination.padEnd(18)} delivered ${d.delivered}, dead-lettered ${d.dead}, in flight ${d.inFlight}`);
}
