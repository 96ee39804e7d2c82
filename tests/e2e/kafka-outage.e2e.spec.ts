import { type KafkaConfig } from '@loyalty/config';
import { ConfluentSchemaRegistry, LEDGER_TOPIC, createKafkaClient, ensureTopics, loadTopicCatalog, prefixed, registerSchemas, schemasDir } from '@loyalty/kafka';
import {
  PrivateKafka,
  type RunningService,
  createMigratedTestDatabase,
  databaseEnv,
  dropTestDatabase,
  eventually,
  freePort,
  kafkaEnv,
  startService,
  testStack,
  uniqueTestId,
  writeTestCredentials,
} from '@loyalty/testing';
import { type DatabaseConfig } from '@loyalty/config';

/**
 * Kafka goes down and comes back (a broker of the spec's own, stopped and started): writes answer
 * 503 with Retry-After meanwhile, never a false 2xx; nothing decided is lost, nothing is counted
 * twice, and ingestion recovers without a restart.
 */
describe('a Kafka outage', () => {
  let broker: PrivateKafka;
  let kafka: KafkaConfig;
  let database: DatabaseConfig;
  let ingestion: RunningService;
  const credentials = writeTestCredentials(['acme']);

  beforeAll(async () => {
    broker = await PrivateKafka.create();
    kafka = { KAFKA_BROKERS: [broker.brokers], KAFKA_CLIENT_ID: 'outage-test', KAFKA_TOPIC_PREFIX: `${uniqueTestId('outage')}.`, SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl };
    const catalog = loadTopicCatalog(schemasDir());
    await ensureTopics(createKafkaClient(kafka, 'outage-provision'), catalog, { prefix: kafka.KAFKA_TOPIC_PREFIX, partitions: 3 });
    await registerSchemas(new ConfluentSchemaRegistry(kafka.SCHEMA_REGISTRY_URL), catalog, schemasDir(), kafka.KAFKA_TOPIC_PREFIX);
    database = await createMigratedTestDatabase();
    const port = await freePort();
    ingestion = await startService('ingestion', { ...kafkaEnv(kafka), ...databaseEnv(database), ...credentials.env, INGESTION_PORT: String(port), PUBLISH_TIMEOUT_MS: '3000' }, port);
  });

  afterAll(async () => {
    await ingestion?.stop();
    await broker?.stop();
    if (database !== undefined) await dropTestDatabase(database);
  });

  const purchase = () => ({
    tenantId: 'acme',
    transactionId: uniqueTestId('tx'),
    memberId: 'm-outage',
    occurredAt: '2026-11-22T10:00:00Z',
    channel: 'pos',
    currency: 'EUR',
    lines: [{ lineId: '1', sku: 'TEE', category: 'apparel', quantity: 1, unitPriceMinor: 5_000 }],
  });
  const post = (body: unknown) =>
    fetch(`${ingestion.baseUrl}/v1/purchases`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': credentials.apiKeys['acme']! }, body: JSON.stringify(body) });
  /** The distinct event ids in the ledger topic (consumers dedupe by id: a resend racing the relay may append twice). */
  const distinctEventIds = async (atLeast: number): Promise<number> => {
    const ids = new Set<string>();
    const consumer = createKafkaClient(kafka, 'outage-reader').consumer({ groupId: uniqueTestId('reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: prefixed(kafka.KAFKA_TOPIC_PREFIX, LEDGER_TOPIC), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void ids.add(message.headers?.['event-id']?.toString() ?? '') });
    try {
      await eventually(async () => (ids.size >= atLeast ? true : undefined), `${atLeast} events in the log`, 60_000).catch(() => undefined);
      // A little longer, so that an extra event would be seen too.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return ids.size;
    } finally {
      await consumer.disconnect();
    }
  };

  it('answers 503 while Kafka is down, then publishes what it decided and answers the resend with the original result', async () => {
    expect((await post(purchase())).status).toBe(202); // PurchaseRecorded + PointsEarned
    expect(await distinctEventIds(2)).toBe(2);

    await broker.stop();
    const during = purchase();
    const response = await post(during);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(((await response.json()) as { code: string }).code).toBe('KAFKA.UNAVAILABLE');

    await broker.start();
    // Nobody resends: the outbox relay publishes the decided purchase once Kafka is back.
    expect(await distinctEventIds(4)).toBe(4);
    const resend = await post(during);
    expect(resend.status).toBe(202);
    expect(resend.headers.get('idempotent-replayed')).toBe('true');
    // New writes work without a restart, and nothing was counted twice.
    expect((await post(purchase())).status).toBe(202);
    expect(await distinctEventIds(6)).toBe(6);
  });
});
