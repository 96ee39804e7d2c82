// The ceilings the connector works under, measured in the same run on the same machine:
// - Postgres: what the delivery journal costs per request, alone: `connections` sessions (the
//   connector's pool size), each repeating one single-row insert into a table created
//   `like connector_deliveries including all` (its columns, checks, primary key and indexes) and one
//   update of that row to `delivered`, each statement its own autocommitted transaction as the
//   journal's are: pairs/s.
// - HTTP: autocannon POSTing, from `connections` keep-alive connections, the body of one full
//   connector request to the stubs (a Bloomreach /batch of 50 commands = 25 events; a Braze
//   /users/track of 37 attributes + 37 events; one signed webhook): requests/s and the events/s they
//   carry. The stubs parse, validate and record each item, as they do for the connector.
import { randomUUID } from 'node:crypto';
import { createHmac } from 'node:crypto';
import { type DatabaseConfig } from '@loyalty/config';
import { type RegisterCleanup } from '../shared/cleanup';
import { pgClient } from '../shared/pg-client';
import { measureTimedWrites, type TimedWritesResult } from '../shared/timed-writes';
import { startAutocannon } from '../shared/autocannon-run';
import { EVENT_NAMES } from './destinations';
import { type VendorStubs } from './vendor-stubs-process';

export async function measurePostgresJournalPairs(
  database: DatabaseConfig,
  runId: string,
  spec: { connections: number; warmupS: number; durationS: number },
  registerCleanup: RegisterCleanup,
): Promise<TimedWritesResult & { table: string }> {
  if (!/^[0-9a-f]+$/.test(runId)) throw new Error(`run id ${runId} is not usable in a table name`);
  const table = `bench_conn_journal_${runId}`;
  const writers = Array.from({ length: spec.connections }, (_, i) => pgClient(database, `bench-connector-pg-w${i}`, { statement_timeout: 60_000 }));
  const admin = pgClient(database, 'bench-connector-pg-admin', { lock_timeout: 30_000 });
  let dropped = false;
  const teardown = async () => {
    await Promise.all(writers.map((w) => w.end().catch(() => undefined)));
    if (!dropped) {
      dropped = true;
      await admin.query(`drop table if exists ${table}`).catch((e: unknown) => console.error(`[bench] could not drop table ${table}: ${String(e)}`));
    }
    await admin.end().catch(() => undefined);
  };
  registerCleanup(`drop table ${table}`, teardown);
  try {
    await admin.connect();
    await admin.query(`create table ${table} (like connector_deliveries including all)`);
    await Promise.all(writers.map((w) => w.connect()));
    const insert = `insert into ${table} (destination, event_id, tenant_id, member_id, event_type, occurred_at, partition, "offset", status, delivery_id, attempts)
                    values ('bench', $1, 'demo', $2, 'points_earned', $3, 0, 0, 'sending', $4, 0)
                    on conflict (destination, event_id) do update set status = 'sending', updated_at = now() where ${table}.status in ('sending', 'retrying')`;
    const update = `update ${table} set status = 'delivered', reason = null, attempts = 1, updated_at = now() where destination = 'bench' and event_id = $1`;
    let n = 0;
    const measured = await measureTimedWrites({
      title: 'postgres raw journal round trips',
      target: `table ${table}`,
      shape: `(a single-row insert, then an update of that row, each autocommitted, ${spec.connections} connections)`,
      warmupS: spec.warmupS,
      durationS: spec.durationS,
      workers: writers,
      next: () => {
        n += 1;
        return [randomUUID(), `m${n % 10_000}`, new Date().toISOString(), randomUUID()];
      },
      write: async (client, params) => {
        await client.query(insert, params);
        await client.query(update, [params[0]]);
        return 1;
      },
    });
    return { ...measured, table };
  } finally {
    await teardown();
  }
}

export interface HttpRawResult {
  readonly label: string;
  readonly requestsPerS: number;
  readonly eventsPerRequest: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly bodyBytes: number;
}

interface RawTarget {
  readonly label: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly eventsPerRequest: number;
}

const props = (eventId: string) => ({ tier_id: 'silver', tier_name: 'Silver', direction: 'up', points: 250, currency: 'permanent', event_id: eventId });
const attrs = { loyalty_tier: 'Silver', loyalty_qualifying_points: 1_250, loyalty_points_permanent: 980 };

function targets(stubs: VendorStubs): RawTarget[] {
  const { credentials: c, baseUrl } = stubs;
  const now = Date.now() / 1000;
  const bloomreachCommands = Array.from({ length: 25 }, (_, i) => {
    const eventId = randomUUID();
    const ids = { registered: `raw-${i}@bench.example.com` };
    return [
      { name: 'customers', command_id: `${eventId}:customer`, data: { customer_ids: ids, properties: attrs, update_timestamp: now } },
      { name: 'customers/events', command_id: `${eventId}:event`, data: { customer_ids: ids, event_type: EVENT_NAMES.points_earned, timestamp: now, properties: { ...props(eventId), tenant_code: 'demo' } } },
    ];
  }).flat();
  const brazeIds = Array.from({ length: 37 }, (_, i) => ({ id: `raw-${i}`, eventId: randomUUID() }));
  const braze = {
    attributes: brazeIds.map(({ id }) => ({ external_id: id, ...attrs })),
    events: brazeIds.map(({ id, eventId }) => ({ external_id: id, name: EVENT_NAMES.points_earned, time: new Date().toISOString(), properties: props(eventId) })),
  };
  const webhookId = randomUUID();
  const webhookBody = JSON.stringify({
    id: webhookId,
    type: 'points_earned',
    tenantId: 'demo',
    memberId: 'raw-1',
    occurredAt: new Date().toISOString(),
    destination: 'raw',
    data: { eventId: webhookId, type: 'points_earned', tenantId: 'demo', memberId: 'raw-1', points: 250, currency: 'permanent', qualifyingPoints: 1_250, tier: { id: 'silver', name: 'Silver' } },
  });
  const t = String(Math.floor(Date.now() / 1000));
  const signature = `t=${t},v1=${createHmac('sha256', c.webhooks.secret).update(`${t}.${webhookBody}`, 'utf8').digest('hex')}`;
  return [
    {
      label: 'Bloomreach /batch (50 commands = 25 events)',
      url: `${baseUrl}/bloomreach/track/v2/projects/${encodeURIComponent(c.bloomreach.projectToken)}/batch`,
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Basic ${Buffer.from(`${c.bloomreach.keyId}:${c.bloomreach.secret}`).toString('base64')}` },
      body: JSON.stringify({ commands: bloomreachCommands }),
      eventsPerRequest: 25,
    },
    {
      label: 'Braze /users/track (37 attributes + 37 events)',
      url: `${baseUrl}/braze/users/track`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${c.braze.apiKey}` },
      body: JSON.stringify(braze),
      eventsPerRequest: 37,
    },
    {
      label: 'webhook (one signed event)',
      url: `${baseUrl}/webhooks/bench`,
      headers: { 'content-type': 'application/json', 'loyalty-signature': signature, 'loyalty-event-id': webhookId, 'loyalty-delivery-id': randomUUID(), 'loyalty-event-type': 'points_earned' },
      body: webhookBody,
      eventsPerRequest: 1,
    },
  ];
}

/** One autocannon run per target (a warm-up run first); the stubs are reset after each. */
export async function measureHttpRaw(stubs: VendorStubs, spec: { connections: number; warmupS: number; durationS: number }): Promise<HttpRawResult[]> {
  const results: HttpRawResult[] = [];
  for (const target of targets(stubs)) {
    let firstError: string | undefined;
    const run = (duration: number) =>
      startAutocannon({
        url: target.url,
        method: 'POST',
        connections: spec.connections,
        duration,
        headers: target.headers,
        body: target.body,
        setupClient: (client) => {
          client.on('response', (status: number) => {
            if (status >= 300 && firstError === undefined) firstError = `HTTP ${status}`;
          });
        },
      }).done;
    console.error(`[bench] raw HTTP: ${target.label}: warm-up ${spec.warmupS} s, then ${spec.durationS} s on ${spec.connections} connections`);
    await run(spec.warmupS);
    await stubs.reset();
    const result = await run(spec.durationS);
    await stubs.reset();
    results.push({
      label: target.label,
      requestsPerS: result.requests.total / result.duration,
      eventsPerRequest: target.eventsPerRequest,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
      bodyBytes: Buffer.byteLength(target.body),
    });
    if (result.non2xx > 0) console.error(`[bench] raw HTTP: ${target.label}: ${result.non2xx} non-2xx answers (${firstError ?? 'unknown'})`);
  }
  return results;
}
