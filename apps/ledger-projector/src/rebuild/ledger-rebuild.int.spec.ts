import { type Kysely, sql } from 'kysely';
import { type DatabaseConfig, type KafkaConfig } from '@loyalty/config';
import { createDatabase, type Database } from '@loyalty/db';
import { type LedgerEvent, foldLedgerBalances } from '@loyalty/domain';
import { KafkaEventPublisher, createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import {
  NO_ROW_DIFFERENCE,
  PROJECTION_EQUALS_FOLD,
  type RunningService,
  createMigratedTestDatabase,
  databaseEnv,
  dropTestDatabase,
  eventually,
  freePort,
  kafkaEnv,
  pointsEarnedFixture,
  projectionDifferences,
  provisionTestKafka,
  rowDifference,
  startService,
  uniqueTestId,
  writeTestCredentials,
} from '@loyalty/testing';
import { LedgerRebuild } from './ledger-rebuild';
import { listProjectionSchemas } from './projection-schemas';
import { rollbackProjection } from './projection-swap';

/**
 * A small but varied ledger: earnings (pending and active, two tenants), spends and a cancellation,
 * activations, expiries, returns, tier changes and custom tiers.
 */
function ledger(members: number): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  for (let m = 0; m < members; m += 1) {
    const memberId = `m-${m}`;
    const tenantId = m % 7 === 0 ? 'globex' : 'acme';
    const meta = (eventId: string) => ({ ...pointsEarnedFixture().metadata, eventId, tenantId, memberId });
    events.push(pointsEarnedFixture({ points: 100 + m, pending: false, bucketId: `b-${m}`, metadata: { eventId: `earn-${m}`, tenantId, memberId } }));
    events.push(pointsEarnedFixture({ points: 7, pending: true, bucketId: `w-${m}`, metadata: { eventId: `wait-${m}`, tenantId, memberId } }));
    if (m % 3 === 0) {
      events.push({ type: 'PointsSpent', data: { redemptionId: `r-${m}`, points: 40, reward: null, buckets: [{ bucketId: `b-${m}`, points: 40 }] }, metadata: meta(`spend-${m}`) });
    }
    if (m % 6 === 0) {
      events.push({ type: 'RedemptionCancelled', data: { redemptionId: `r-${m}`, points: 40, buckets: [{ bucketId: `b-${m}`, points: 40 }] }, metadata: meta(`cancel-${m}`) });
    }
    if (m % 4 === 1) {
      events.push({ type: 'PointsReversed', data: { returnId: `ret-${m}`, transactionId: 'tx-1', points: 2, buckets: [{ bucketId: `w-${m}`, points: 2 }], writtenOff: 0, debt: 0, lines: [] }, metadata: meta(`ret-${m}`) });
    }
    if (m % 2 === 1) {
      events.push({ type: 'PointsActivated', data: { bucketId: `w-${m}`, currency: 'permanent', points: m % 4 === 1 ? 5 : 7, activatedAt: '2026-12-06T23:00:00.000Z' }, metadata: meta(`act-${m}`) });
    }
    if (m % 5 === 2) {
      events.push({ type: 'PointsExpired', data: { bucketId: `b-${m}`, currency: 'permanent', points: 10, expiresAt: '2027-12-06T23:00:00.000Z', expiredAt: '2027-12-06T23:00:00.000Z' }, metadata: meta(`exp-${m}`) });
    }
    if (m % 3 === 1) {
      events.push({ type: 'TierChanged', data: { from: 'bronze', to: 'silver', direction: 'UP', reason: 'EARNED', qualifyingPoints: 100, customTiers: [], changedAt: '2026-12-07T23:00:00.000Z' }, metadata: meta(`tier-${m}`) });
      events.push({ type: 'CustomTierAssigned', data: { tier: m % 2 === 0 ? 'vip' : 'employee' }, metadata: meta(`custom-${m}`) });
    }
  }
  return events;
}

/**
 * Rebuild from the log beside a live projector (a real process on its own topics and database):
 * parity swaps, a tampered live version is reported and left alone, a poison event stops the build.
 */
describe('rebuilding the ledger projection from the log without downtime', () => {
  let kafka: KafkaConfig;
  let database: DatabaseConfig;
  let db: Kysely<Database>;
  let projector: RunningService;
  let liveGroup: string;
  let publisher: KafkaEventPublisher;
  let adminKey: string;
  let apiKey: string;

  beforeEach(async () => {
    kafka = await provisionTestKafka('rebuild');
    database = await createMigratedTestDatabase();
    db = createDatabase(database, 'test-rebuild');
    liveGroup = uniqueTestId('group');
    const port = await freePort();
    const credentials = writeTestCredentials(['acme', 'globex']);
    adminKey = credentials.adminKey;
    apiKey = credentials.apiKeys['acme'] ?? '';
    projector = await startService(
      'ledger-projector',
      { ...kafkaEnv(kafka), ...databaseEnv(database), ...credentials.env, LEDGER_QUERY_PORT: String(port), LEDGER_PROJECTOR_GROUP: liveGroup },
      port,
    );
    const topology = ledgerTopology(kafka);
    publisher = new KafkaEventPublisher(createKafkaClient(kafka, 'test-rebuild-producer'), topology.codec, { topic: topology.topic, timeoutMs: 10_000 });
  });

  afterEach(async () => {
    await publisher?.close();
    await projector?.stop();
    await db?.destroy();
    if (database !== undefined) await dropTestDatabase(database);
  });

  const liveApplied = async (): Promise<number> => {
    const { rows } = await sql<{ n: number }>`select coalesce(sum(next_offset), 0)::int as n from consumer_offsets where consumer = ${liveGroup}`.execute(db);
    return rows[0]?.n ?? 0;
  };
  const balances = () => db.selectFrom('member_balances').select(['tenant_id', 'member_id', 'currency', 'active', 'pending', 'spent']).orderBy('tenant_id').orderBy('member_id').execute();
  const rebuild = () => new LedgerRebuild({ db, databaseConfig: database, kafka: createKafkaClient(kafka, 'test-rebuild'), topology: ledgerTopology(kafka), liveGroup });

  it('given a live projection, when rebuilt while events keep arriving, then the versions match and swap; the old one is kept', async () => {
    const events = ledger(300);
    await publisher.publish(events.slice(0, 500));
    await eventually(async () => ((await liveApplied()) === 500 ? true : undefined), 'the live projector to apply the first events');

    // Served before the swap: the API's prepared statements are planned against the live tables.
    for (let i = 0; i < 8; i += 1) expect((await fetch(`${projector.baseUrl}/v1/members/m-1/balance`, { headers: { 'x-api-key': apiKey } })).status).toBe(200);

    // Events keep arriving during the rebuild: the live projector goes on serving and applying them.
    const running = rebuild().run();
    await publisher.publish(events.slice(500));
    const outcome = await running;

    expect(outcome).toMatchObject({ kind: 'swapped', comparison: { differing: 0 } });
    if (outcome.kind !== 'swapped') return;
    expect(outcome.comparison.members).toBe(300);
    expect((await listProjectionSchemas(db)).previous).toEqual([outcome.version]);
    // The live projector carries on in the new version, from its offsets.
    const more = pointsEarnedFixture({ points: 5, pending: false, metadata: { eventId: 'after-swap', memberId: 'm-1' } });
    await publisher.publish([more]);
    await eventually(async () => ((await liveApplied()) === events.length + 1 ? true : undefined), 'the live projector to apply after the swap');
    const m1 = await db.selectFrom('member_balances').select('active').where('tenant_id', '=', 'acme').where('member_id', '=', 'm-1').executeTakeFirstOrThrow();
    // 101 earned active, 5 left of the pending bucket and activated, 5 earned after the swap.
    expect(m1.active).toBe(101 + 5 + 5);
    // The query API (a prepared statement planned against the old tables) answers from the new ones.
    const viaApi = await fetch(`${projector.baseUrl}/v1/members/m-1/balance`, { headers: { 'x-api-key': apiKey } });
    expect(((await viaApi.json()) as { total: { active: number } }).total.active).toBe(101 + 5 + 5);

    // Rolling back restores the kept version; the live projector seeks back and catches it up,
    // the event appended after the swap included.
    const { restored } = await rollbackProjection(db, liveGroup);
    expect(restored).toBe(outcome.keptAs);
    await publisher.publish([pointsEarnedFixture({ points: 3, pending: false, metadata: { eventId: 'after-rollback', memberId: 'm-1' } })]);
    await eventually(async () => ((await liveApplied()) === events.length + 2 ? true : undefined), 'the restored version to catch up');
    const restoredM1 = await db.selectFrom('member_balances').select('active').where('tenant_id', '=', 'acme').where('member_id', '=', 'm-1').executeTakeFirstOrThrow();
    expect(restoredM1.active).toBe(101 + 5 + 5 + 3);
  }, 120_000);

  it('given a live projection that drifted, then the differences are reported and nothing is swapped', async () => {
    const events = ledger(50);
    await publisher.publish(events);
    await eventually(async () => ((await liveApplied()) === events.length ? true : undefined), 'the live projection');
    const before = await balances();
    // Drift the live version by hand (a bug, a manual fix gone wrong): a balance, and a member's tier.
    await sql`update member_balances set active = active + 1 where tenant_id = 'acme' and member_id = 'm-1'`.execute(db);
    await sql`update member_tiers set tier_id = 'gold' where tenant_id = 'acme' and member_id = 'm-4'`.execute(db);

    const outcome = await rebuild().run();

    expect(outcome).toMatchObject({
      kind: 'differences',
      comparison: { members: 50, differing: 2, examples: [{ tenantId: 'acme', memberId: 'm-1' }, { tenantId: 'acme', memberId: 'm-4' }] },
    });
    const live = await balances();
    expect(live.find((b) => b.member_id === 'm-1')?.active).toBe((before.find((b) => b.member_id === 'm-1')?.active ?? 0) + 1);
    expect((await listProjectionSchemas(db)).builds).toHaveLength(1);
  }, 120_000);

  it('given an undecodable event in the log, then the rebuild stops naming its position, and the live version is untouched', async () => {
    await publisher.publish(ledger(10));
    const producer = createKafkaClient(kafka, 'test-poison').producer();
    await producer.connect();
    const [sent] = await producer.send({ topic: ledgerTopology(kafka).topic, acks: -1, messages: [{ key: 'acme|m-1', value: Buffer.from('not avro at all') }] });
    await producer.disconnect();
    await eventually(async () => ((await balances()).length === 10 ? true : undefined), 'the live projection');

    const outcome = await rebuild().run();

    expect(outcome).toMatchObject({ kind: 'poison', partition: sent?.partition, offset: sent?.baseOffset });
    expect((await listProjectionSchemas(db)).previous).toEqual([]);
    expect(await balances()).toHaveLength(10);
  }, 120_000);

  it('the admin API starts a rebuild in the projector and reports its progress and outcome; only with the admin key', async () => {
    await publisher.publish(ledger(40));
    await eventually(async () => ((await balances()).length === 40 ? true : undefined), 'the live projection');
    const post = (headers: Record<string, string>) =>
      fetch(`${projector.baseUrl}/v1/admin/rebuilds`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ projection: 'ledger' }) });

    expect((await post({})).status).toBe(401);
    expect((await post({ 'x-admin-key': 'not-the-key' })).status).toBe(401);
    const started = await post({ 'x-admin-key': adminKey });
    expect(started.status).toBe(202);
    expect(await started.json()).toMatchObject({ projection: 'ledger', state: 'running' });

    const finished = await eventually(async () => {
      const response = await fetch(`${projector.baseUrl}/v1/admin/rebuilds/current`, { headers: { 'x-admin-key': adminKey } });
      const view = (await response.json()) as { state: string; outcome: { kind: string; comparison: { members: number; differing: number } } | null };
      return view.state === 'running' ? undefined : view;
    }, 'the rebuild to finish');
    expect(finished).toMatchObject({ state: 'finished', outcome: { kind: 'swapped', comparison: { members: 40, differing: 0 } } });
    expect((await listProjectionSchemas(db)).previous).toHaveLength(1);
  }, 120_000);

  it('events published without pause through the whole rebuild and its swap are applied exactly once, in whichever version is live', async () => {
    const events = ledger(1_200);
    await publisher.publish(events.slice(0, 1_000));
    await eventually(async () => ((await liveApplied()) === 1_000 ? true : undefined), 'the live projector to apply the first events');

    // A steady trickle, so live applies are in flight (or blocked on the swap lock) when the swap comes.
    let rebuilding = true;
    let sent = 1_000;
    const trickle = (async () => {
      while (rebuilding && sent < events.length) {
        await publisher.publish(events.slice(sent, sent + 10));
        sent += 10;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const outcome = await rebuild().run();
    rebuilding = false;
    await trickle;
    await publisher.publish(events.slice(sent));

    expect(outcome).toMatchObject({ kind: 'swapped', comparison: { differing: 0 } });
    await eventually(async () => ((await liveApplied()) === events.length ? true : undefined), 'the live projector to apply everything');
    const expected = foldLedgerBalances(events);
    expect(await projectionDifferences(db, expected)).toEqual(PROJECTION_EQUALS_FOLD);
    const standings = await db.selectFrom('member_tiers').select(['tenant_id', 'member_id', 'qualifying_points', 'tier_id', 'custom_tiers']).execute();
    const actual = standings.map((r) => ({ tenantId: r.tenant_id, memberId: r.member_id, qualifyingPoints: r.qualifying_points, tier: r.tier_id, customTiers: r.custom_tiers as string[] }));
    expect(rowDifference(actual, expected.standings, (r) => `${r.tenantId}|${r.memberId}`)).toEqual(NO_ROW_DIFFERENCE);
    expect((await db.selectFrom('member_tier_history').select(['tenant_id', 'event_id']).execute()).length).toBe(expected.tierEvents.length);
  }, 120_000);
});
