import { type DatabaseConfig, type KafkaConfig } from '@loyalty/config';
import {
  type RunningService,
  createMigratedTestDatabase,
  databaseEnv,
  dropTestDatabase,
  eventually,
  freePort,
  kafkaEnv,
  provisionTestKafka,
  startService,
  uniqueTestId,
  writeTestApiKeys,
} from '@loyalty/testing';

/**
 * The walking skeleton, end to end on the real stack: HTTP -> ingestion -> Kafka (Avro via the
 * registry) -> ledger-projector -> Postgres -> HTTP balance query. Both services run as processes
 * from their real entry points.
 */
describe('a purchase flows from HTTP to the balance query', () => {
  let kafka: KafkaConfig;
  let database: DatabaseConfig;
  let ingestion: RunningService;
  let projector: RunningService;
  let keys: Record<string, string>;

  const post = (path: string, body: unknown, key: string | undefined) =>
    fetch(`${ingestion.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'x-api-key': key }) },
      body: JSON.stringify(body),
    });
  const balance = (memberId: string, key: string) => fetch(`${projector.baseUrl}/v1/members/${memberId}/balance`, { headers: { 'x-api-key': key } });

  const purchase = (overrides: Record<string, unknown> = {}) => ({
    tenantId: 'acme',
    transactionId: uniqueTestId('tx'),
    memberId: 'm-1',
    occurredAt: '2026-11-22T10:00:00Z',
    currency: 'EUR',
    lines: [
      { lineId: '1', category: 'ski-equipment', amountMinor: 19_999 },
      { lineId: '2', category: 'apparel', amountMinor: 4_550 },
    ],
    ...overrides,
  });

  beforeAll(async () => {
    kafka = await provisionTestKafka('e2e');
    database = await createMigratedTestDatabase();
    const apiKeys = writeTestApiKeys(['acme', 'globex']);
    keys = apiKeys.keys;
    const [ingestionPort, queryPort] = [await freePort(), await freePort()];
    [ingestion, projector] = await Promise.all([
      startService('ingestion', { ...kafkaEnv(kafka), API_KEYS_FILE: apiKeys.file, INGESTION_PORT: String(ingestionPort) }, ingestionPort),
      startService(
        'ledger-projector',
        { ...kafkaEnv(kafka), ...databaseEnv(database), API_KEYS_FILE: apiKeys.file, LEDGER_QUERY_PORT: String(queryPort), LEDGER_PROJECTOR_GROUP: uniqueTestId('group') },
        queryPort,
      ),
    ]);
  });

  afterAll(async () => {
    await Promise.all([ingestion?.stop(), projector?.stop()]);
    if (database !== undefined) await dropTestDatabase(database);
  });

  it('records the points and the balance query returns them; the same purchase posted twice counts once', async () => {
    const memberId = uniqueTestId('m');
    const body = purchase({ memberId });

    const first = await post('/v1/purchases', body, keys['acme']);
    expect(first.status).toBe(202);
    const firstBody = (await first.json()) as { eventIds: string[]; points: number; consistencyToken: string };
    expect(firstBody.points).toBe(599 + 91);
    expect(firstBody.consistencyToken).toMatch(/^v1\.\d+\.\d+$/);

    const again = await post('/v1/purchases', body, keys['acme']);
    expect(again.status).toBe(202);
    expect(((await again.json()) as { eventIds: string[] }).eventIds).toEqual(firstBody.eventIds);

    // A later purchase, so that seeing it proves the duplicate before it was consumed too.
    await post('/v1/purchases', purchase({ memberId, lines: [{ lineId: '1', category: 'books', amountMinor: 1_000 }] }), keys['acme']);

    const view = await eventually(async () => {
      const response = await balance(memberId, keys['acme']!);
      if (response.status !== 200) return undefined;
      const json = (await response.json()) as { total: { pending: number } };
      return json.total.pending === 690 + 10 ? json : undefined;
    }, 'the projector to apply both purchases');
    expect(view).toEqual({
      tenantId: 'acme',
      memberId,
      currencies: [{ currency: 'permanent', active: 0, pending: 700 }],
      total: { active: 0, pending: 700 },
    });
  });

  it('answers invalid input with 400 problem+json naming the fields', async () => {
    const response = await post('/v1/purchases', purchase({ occurredAt: 'yesterday', lines: [{ lineId: '1', category: 'apparel', amountMinor: 12.5 }] }), keys['acme']);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { code: string; errors: { field: string }[] };
    expect(problem.code).toBe('REQUEST.INVALID');
    expect(problem.errors.map((e) => e.field).sort()).toEqual(['lines[0].amountMinor', 'occurredAt']);
  });

  it('authenticates every request and keeps tenants apart', async () => {
    expect((await post('/v1/purchases', purchase(), undefined)).status).toBe(401);
    expect((await post('/v1/purchases', purchase(), 'not-a-key')).status).toBe(401);
    // globex's key cannot write for acme...
    expect((await post('/v1/purchases', purchase(), keys['globex'])).status).toBe(403);
    // ...nor read acme's member.
    const memberId = uniqueTestId('m');
    expect((await post('/v1/purchases', purchase({ memberId }), keys['acme'])).status).toBe(202);
    await eventually(async () => ((await balance(memberId, keys['acme']!)).status === 200 ? true : undefined), 'acme to see its member');
    expect((await balance(memberId, keys['globex']!)).status).toBe(404);
  });
});
