import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ConnectorDatabase, createPool } from '@loyalty/db';
import { type TestSystem, connectorWorkload, databaseEnv, eventually, startTestSystem, uniqueTestId } from '@loyalty/testing';
import { Kysely, PostgresDialect } from 'kysely';
import { type DeadLetter, deadLetterTopic } from '../delivery/dead-letter';
import { copies, publishLedgerEvents, readJsonTopic } from '../test/system-helpers';

const ROOT = join(__dirname, '..', '..', '..', '..');
const run = promisify(execFile);

/**
 * Operating a destination on the whole system: replay from a time (the events after it, once more,
 * and nothing before), dead letters (topic, journal, CLI) and their redrive once the receiver is
 * fixed, the tenant's status page, and the admin API's refusals.
 */
describe('connector operations', () => {
  let system: TestSystem;
  let db: Kysely<ConnectorDatabase>;
  let published = 0;

  const baseUrl = () => system.connector!.service().baseUrl;
  /** An admin call with the operator's key, another key, or (null) none. */
  const admin = (name: string, action: 'replay' | 'redrive', body: unknown, key: string | null = system.credentials.adminKey) =>
    fetch(`${baseUrl()}/admin/destinations/${name}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'x-admin-key': key }) }, body: JSON.stringify(body) });
  const journal = async (destination: string, eventIds: readonly string[]) =>
    db.selectFrom('connector_deliveries').select(['event_id', 'status']).where('destination', '=', destination).where('event_id', 'in', [...eventIds]).execute();
  /** The operator's CLI, run as a process against the system's database. */
  const dlqList = () =>
    run('bash', ['infra/bin/node-run', 'apps/connector/src/cli/connector.cli.ts', 'dlq', 'list', '--destination', 'acme-webhook'], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...databaseEnv(system.database) },
      timeout: 60_000,
    });
  /** Publishes a fresh workload; its forwarded event ids. */
  const publish = async (members: number, forwarded: number): Promise<string[]> => {
    const workload = connectorWorkload({ tenantId: 'acme', members, forwarded, runId: uniqueTestId('ops') });
    await publishLedgerEvents(system.kafka, workload.events);
    published += workload.forwardedCount;
    return [...workload.forwarded.values()].flat();
  };

  beforeAll(async () => {
    system = await startTestSystem({ tenants: ['acme'], connector: true });
    db = new Kysely<ConnectorDatabase>({ dialect: new PostgresDialect({ pool: createPool(system.database, 'ops-spec') }) });
  });

  afterAll(async () => {
    await db?.destroy();
    await system?.stop();
  });

  it('replays a destination from an ISO time: one more copy of each later event, none of the earlier, no other destination', async () => {
    const { stubs } = system.connector!;
    const before = await publish(3, 12);
    await eventually(async () => (copies(stubs.received('webhooks'), before).every((n) => n === 1) ? true : undefined), 'the first events at the webhook');
    // Every earlier event was on the public topic before it reached the webhook, so before this time.
    const from = new Date().toISOString();
    const after = await publish(3, 12);
    await eventually(async () => (copies(stubs.received('webhooks'), after).every((n) => n === 1) ? true : undefined), 'the later events at the webhook');
    await eventually(async () => (copies(stubs.received('braze'), [...before, ...after]).every((n) => n === 1) ? true : undefined), 'every event at Braze');

    const response = await admin('acme-webhook', 'replay', { from });
    expect(response.status).toBe(200);
    const plan = (await response.json()) as { partitions: { partition: number; offset: string }[]; forgotten: number };
    expect(plan.forgotten).toBe(after.length);

    await eventually(async () => (copies(stubs.received('webhooks'), after).every((n) => n === 2) ? true : undefined), 'the later events again at the webhook');
    // The earlier events precede the later ones in every partition: had they been replayed, they would be back by now.
    expect(copies(stubs.received('webhooks'), after)).toEqual(after.map(() => 2));
    expect(copies(stubs.received('webhooks'), before)).toEqual(before.map(() => 1));
    expect(copies(stubs.received('braze'), [...before, ...after])).toEqual([...before, ...after].map(() => 1));
    const rows = await journal('acme-webhook', after);
    expect(rows.map((r) => r.status)).toEqual(after.map(() => 'delivered'));
  });

  it('dead-letters what the webhook refuses (topic, journal, CLI) and delivers it on a redrive once the webhook is fixed', async () => {
    const { stubs } = system.connector!;
    stubs.setFaults('webhooks', { itemFailureRate: 1 });
    const refused = await publish(2, 6);
    await eventually(async () => {
      const rows = await journal('acme-webhook', refused);
      return rows.length === refused.length && rows.every((r) => r.status === 'dead') ? true : undefined;
    }, 'the refused events dead in the journal');

    const topic = deadLetterTopic(system.kafka.KAFKA_TOPIC_PREFIX, 'acme-webhook');
    const read = await readJsonTopic<DeadLetter>(system.kafka, topic, (values) => refused.every((id) => values.some((v) => v.eventId === id)));
    const letters = read.filter((l) => refused.includes(l.eventId));
    expect(letters.map((l) => l.eventId).sort()).toEqual([...refused].sort());
    const secret = system.connector!.accounts.webhooks.secret;
    for (const letter of letters) {
      expect(letter).toMatchObject({ destination: 'acme-webhook', tenantId: 'acme', attempts: 1, request: { method: 'POST' }, response: { status: 400 } });
      expect(letter.reason).toContain('HTTP 400');
      expect(letter.response?.body).toContain('injected item failure');
      expect(JSON.parse(letter.request!.body)).toMatchObject({ id: letter.eventId, destination: 'acme-webhook' });
      const json = JSON.stringify(letter);
      expect(json).not.toContain(secret);
      expect(json.toLowerCase()).not.toContain('loyalty-signature');
    }

    const cli = await dlqList();
    const lines = cli.stdout.trim().split('\n');
    for (const id of refused) expect(lines.filter((line) => line.includes(` ${id} `) && line.includes('HTTP 400'))).toHaveLength(1);

    stubs.setFaults('webhooks', {});
    const response = await admin('acme-webhook', 'redrive', {});
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ redriven: refused.length, delivered: refused.length, deadAgain: 0 });
    expect(copies(stubs.received('webhooks'), refused)).toEqual(refused.map(() => 1));
    expect((await journal('acme-webhook', refused)).map((r) => r.status)).toEqual(refused.map(() => 'delivered'));
    const after = await dlqList();
    expect(after.stdout.trim()).toBe('no dead letters for acme-webhook');
  });

  it("lists the tenant's destinations with their counts, and refuses unknown destinations and missing keys", async () => {
    const apiKey = system.credentials.apiKeys['acme']!;
    const destinations = ['acme-bloomreach', 'acme-braze', 'acme-voucherify', 'acme-webhook'];
    const body = await eventually(async () => {
      const res = await fetch(`${baseUrl()}/v1/destinations`, { headers: { 'x-api-key': apiKey } });
      const b = (await res.json()) as { destinations: { destination: string; type: string; state: string; events: string[]; delivered: number; dead: number; inFlight: number }[] };
      return b.destinations.every((d) => d.delivered === published && d.inFlight === 0) ? b : undefined;
    }, 'every destination caught up');
    expect(body.destinations.map((d) => ({ destination: d.destination, type: d.type, state: d.state, dead: d.dead })).sort((a, b) => a.destination.localeCompare(b.destination))).toEqual(
      destinations.map((destination) => ({ destination, type: destination.slice('acme-'.length), state: 'running', dead: 0 })),
    );
    expect(body.destinations.every((d) => d.events.includes('tier_changed'))).toBe(true);
    expect((await fetch(`${baseUrl()}/v1/destinations`, { headers: { 'x-api-key': 'not-a-key' } })).status).toBe(401);

    for (const action of ['replay', 'redrive'] as const) {
      const unknown = await admin('acme-nowhere', action, action === 'replay' ? { from: '0' } : {});
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await unknown.json()).toMatchObject({ status: 404, code: 'CONNECTOR.UNKNOWN_DESTINATION' });
      expect((await admin('acme-webhook', action, action === 'replay' ? { from: '0' } : {}, null)).status).toBe(401);
      expect((await admin('acme-webhook', action, action === 'replay' ? { from: '0' } : {}, 'wrong-admin-key')).status).toBe(401);
    }
  });

});
