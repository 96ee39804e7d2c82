import { type Kysely } from 'kysely';
import { type DatabaseConfig, type KafkaConfig } from '@loyalty/config';
import { createDatabase, type Database } from '@loyalty/db';
import { DEFAULT_TIERS, type LedgerEvent } from '@loyalty/domain';
import { KafkaEventPublisher, createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import {
  type RunningService,
  createMigratedTestDatabase,
  databaseEnv,
  dropTestDatabase,
  eventually,
  freePort,
  kafkaEnv,
  metadataFixture,
  pointsEarnedFixture,
  provisionTestKafka,
  startService,
  uniqueTestId,
  writeTestCredentials,
  writeTestPrograms,
} from '@loyalty/testing';
import { memberBalanceResponseSchema } from './member-balance.response';

const day = (d: number) => `2026-12-${String(d).padStart(2, '0')}T23:00:00.000Z`;
const meta = (eventId: string, memberId: string, d: number) => metadataFixture({ eventId, memberId, occurredAt: day(d), recordedAt: day(d), programVersion: 'test-acme' });

/** The rules service's events for one member: activation, tier changes, a custom tier, an expiry. */
function memberLife(memberId: string): LedgerEvent[] {
  const pending = pointsEarnedFixture({ points: 400, pending: true, bucketId: `${memberId}-w`, metadata: { ...meta(`${memberId}-earn-w`, memberId, 1) } });
  const active = pointsEarnedFixture({ points: 100, pending: false, bucketId: `${memberId}-t`, transactionId: `${memberId}-tx-t`, metadata: { ...meta(`${memberId}-earn-t`, memberId, 1) } });
  return [
    pending,
    { ...active, data: { ...active.data, currency: 'temporary', expiresAt: day(20) } },
    { type: 'TierChanged', data: { from: null, to: 'bronze', direction: 'UP', reason: 'ENROLLED', qualifyingPoints: 0, customTiers: [], changedAt: day(1) }, metadata: meta(`${memberId}-tier-1`, memberId, 1) },
    { type: 'PointsActivated', data: { bucketId: `${memberId}-w`, currency: 'permanent', points: 400, activatedAt: day(6) }, metadata: meta(`${memberId}-act`, memberId, 6) },
    { type: 'TierChanged', data: { from: 'bronze', to: 'silver', direction: 'UP', reason: 'EARNED', qualifyingPoints: 500, customTiers: [], changedAt: day(6) }, metadata: meta(`${memberId}-tier-2`, memberId, 6) },
    { type: 'CustomTierAssigned', data: { tier: 'vip' }, metadata: meta(`${memberId}-vip`, memberId, 7) },
    { type: 'PointsExpired', data: { bucketId: `${memberId}-t`, currency: 'temporary', points: 100, expiresAt: day(20), expiredAt: day(20) }, metadata: meta(`${memberId}-exp`, memberId, 20) },
  ];
}

/**
 * Activation, expiry and tiers through the real projector process: events on Kafka, applied by the
 * consumer, answered by the query API with the tenant's tier ladder (PROGRAMS_DIR).
 */
describe('tiers, activations and expiries through the projector, on the real stack', () => {
  let kafka: KafkaConfig;
  let database: DatabaseConfig;
  let db: Kysely<Database>;
  let projector: RunningService;
  let publisher: KafkaEventPublisher;
  let apiKey: string;
  const group = uniqueTestId('group');
  const tiers = { ...DEFAULT_TIERS, levels: [{ id: 'bronze', name: 'Bronze', threshold: 0 }, { id: 'silver', name: 'Silver', threshold: 500 }, { id: 'gold', name: 'Gold', threshold: 2_000 }] };

  beforeAll(async () => {
    kafka = await provisionTestKafka('tiers');
    database = await createMigratedTestDatabase();
    db = createDatabase(database, 'test-tiers');
    const credentials = writeTestCredentials(['acme']);
    apiKey = credentials.apiKeys['acme'] ?? '';
    const port = await freePort();
    projector = await startService(
      'ledger-projector',
      { ...kafkaEnv(kafka), ...databaseEnv(database), ...credentials.env, LEDGER_QUERY_PORT: String(port), LEDGER_PROJECTOR_GROUP: group, PROGRAMS_DIR: writeTestPrograms({ acme: { tiers } }) },
      port,
    );
    const topology = ledgerTopology(kafka);
    publisher = new KafkaEventPublisher(createKafkaClient(kafka, 'test-tiers-producer'), topology.codec, { topic: topology.topic, timeoutMs: 10_000 });
    const enrolledOnly: LedgerEvent = {
      type: 'TierChanged',
      data: { from: null, to: 'bronze', direction: 'UP', reason: 'ENROLLED', qualifyingPoints: 0, customTiers: [], changedAt: day(1) },
      metadata: meta('new-tier', 'm-new', 1),
    };
    const untiered = pointsEarnedFixture({ points: 700, pending: false, bucketId: 'b-untiered', metadata: meta('untiered', 'm-untiered', 1) });
    const events = [...memberLife('m-1'), enrolledOnly, untiered];
    await publisher.publish(events);
    await eventually(async () => ((await db.selectFrom('consumer_offsets').select((eb) => eb.fn.sum<number>('next_offset').as('n')).where('consumer', '=', group).executeTakeFirst())?.n ?? 0) >= events.length ? true : undefined, 'the projector to apply the events');
  }, 120_000);

  afterAll(async () => {
    await publisher?.close();
    await projector?.stop();
    await db?.destroy();
    if (database !== undefined) await dropTestDatabase(database);
  });

  const read = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${projector.baseUrl}${path}`, { headers: { 'x-api-key': apiKey } });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };

  it('the balance names the tier by the tenant ladder, with custom tiers, qualifying points and the next tier', async () => {
    const balance = await read<Record<string, unknown>>('/v1/members/m-1/balance');
    expect(balance).toMatchObject({
      tier: { id: 'silver', name: 'Silver' },
      customTiers: ['vip'],
      // 400 activated; the 100 temporary points qualified until they expired.
      qualifyingPoints: 400,
      nextTier: { id: 'gold', name: 'Gold', threshold: 2_000, pointsNeeded: 1_600 },
      currencies: [
        { currency: 'permanent', active: 400, pending: 0, expired: 0, qualifying: 400 },
        { currency: 'temporary', active: 0, pending: 0, expired: 100, qualifying: 0 },
      ],
    });
  });

  it('asOf gives the tier as the tier history had it then, with the balance of then', async () => {
    const before = await read<Record<string, unknown>>(`/v1/members/m-1/balance?asOf=${day(2)}`);
    expect(before).toMatchObject({
      tier: { id: 'bronze', name: 'Bronze' },
      customTiers: [],
      qualifyingPoints: 100,
      nextTier: { id: 'silver', threshold: 500, pointsNeeded: 400 },
      currencies: [
        { currency: 'permanent', active: 0, pending: 400, qualifying: 0 },
        { currency: 'temporary', active: 100, expired: 0, qualifying: 100 },
      ],
    });
    const after = await read<Record<string, unknown>>(`/v1/members/m-1/balance?asOf=${day(10)}`);
    expect(after).toMatchObject({ tier: { id: 'silver' }, customTiers: ['vip'], qualifyingPoints: 500, currencies: [{ currency: 'permanent', active: 400, pending: 0 }, { currency: 'temporary', active: 100 }] });
    // The fold of the whole history agrees with the live figures.
    const now = await read<Record<string, unknown>>(`/v1/members/m-1/balance?asOf=${day(25)}`);
    const live = await read<Record<string, unknown>>('/v1/members/m-1/balance');
    for (const field of ['currencies', 'total', 'debt', 'tier', 'customTiers', 'qualifyingPoints', 'nextTier']) expect(now[field]).toEqual(live[field]);
  });

  it('a member with no tier change yet holds the first level; one with only a tier event has a balance', async () => {
    expect(await read<Record<string, unknown>>('/v1/members/m-untiered/balance')).toMatchObject({
      tier: { id: 'bronze', name: 'Bronze' },
      qualifyingPoints: 700,
      nextTier: { id: 'silver', pointsNeeded: 0 },
    });
    expect(await read<Record<string, unknown>>('/v1/members/m-new/balance')).toMatchObject({ tier: { id: 'bronze' }, customTiers: [], qualifyingPoints: 0, currencies: [], nextTier: { id: 'silver', pointsNeeded: 500 } });
  });

  it('an expired bucket is no upcoming expiration, nor an open bucket; both dates show on the buckets', async () => {
    expect(await read<{ expirations: unknown[] }>('/v1/members/m-1/expirations')).toMatchObject({ expirations: [], totals: {} });
    expect((await read<{ buckets: { bucketId: string }[] }>('/v1/members/m-1/buckets')).buckets.map((b) => b.bucketId)).toEqual(['m-1-w']);
    const all = await read<{ buckets: { bucketId: string; remaining: number; pending: boolean; activatedAt: string | null; expiredAt: string | null }[] }>('/v1/members/m-1/buckets?include=all');
    expect(all.buckets).toEqual([
      expect.objectContaining({ bucketId: 'm-1-t', remaining: 0, pending: false, activatedAt: null, expiredAt: day(20) }),
      expect.objectContaining({ bucketId: 'm-1-w', remaining: 400, pending: false, activatedAt: day(6), expiredAt: null }),
    ]);
  });

  it('the OpenAPI document describes the answer, and the answers, live and asOf, match it', async () => {
    const document = (await (await fetch(`${projector.baseUrl}/docs-json`)).json()) as {
      paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: { properties: Record<string, unknown> } }> }> } }>;
    };
    const schema = document.paths['/v1/members/{memberId}/balance']?.get.responses['200']?.content['application/json']?.schema;
    expect(Object.keys(schema?.properties ?? {})).toEqual(expect.arrayContaining(['tier', 'customTiers', 'qualifyingPoints', 'nextTier']));
    for (const path of ['/v1/members/m-1/balance', `/v1/members/m-1/balance?asOf=${day(2)}`, '/v1/members/m-new/balance']) {
      expect(memberBalanceResponseSchema.safeParse(await read(path)).error).toBeUndefined();
    }
  });

  it('the history lists the activation and the expiry, each naming its bucket', async () => {
    const history = await read<{ items: { type: string; points: number; causeId: string; buckets: unknown[] }[] }>('/v1/members/m-1/history');
    expect(history.items.map((i) => [i.type, i.points, i.causeId, i.buckets])).toEqual([
      ['PointsExpired', -100, 'm-1-t', [{ bucketId: 'm-1-t', points: -100 }]],
      ['PointsActivated', 400, 'm-1-w', []],
      ['PointsEarned', 100, 'm-1-tx-t', [{ bucketId: 'm-1-t', points: 100 }]],
      ['PointsEarned', 400, 'tx-1', [{ bucketId: 'm-1-w', points: 400 }]],
    ]);
  });
});
