import { type DatabaseConfig, type KafkaConfig } from '@loyalty/config';
import {
  createMigratedTestDatabase,
  databaseEnv,
  dropTestDatabase,
  freePort,
  kafkaEnv,
  provisionTestKafka,
  runServiceToExit,
  startService,
  uniqueTestId,
  writeTestCredentials,
} from '@loyalty/testing';

describe('failure modes', () => {
  let kafka: KafkaConfig;
  let database: DatabaseConfig;

  beforeAll(async () => {
    kafka = await provisionTestKafka('fail');
    database = await createMigratedTestDatabase();
  });

  afterAll(async () => {
    if (database !== undefined) await dropTestDatabase(database);
  });

  it('with Kafka down, a write gets 503 with Retry-After and health says why, never a 2xx', async () => {
    const deadBroker = await freePort(); // nothing listens there
    const port = await freePort();
    const credentials = writeTestCredentials(['acme']);
    const env = {
      ...kafkaEnv(kafka),
      ...databaseEnv(database),
      ...credentials.env,
      KAFKA_BROKERS: `127.0.0.1:${deadBroker}`,
      INGESTION_PORT: String(port),
      PUBLISH_TIMEOUT_MS: '3000',
    };
    const ingestion = await startService('ingestion', env, port, { until: 'answering' });
    try {
      const health = await fetch(`${ingestion.baseUrl}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ code: 'HEALTH.DEGRADED', checks: { kafka: { status: 'down' } } });

      const response = await fetch(`${ingestion.baseUrl}/v1/purchases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': credentials.apiKeys['acme']! },
        body: JSON.stringify({
          tenantId: 'acme',
          transactionId: uniqueTestId('tx'),
          memberId: 'm-1',
          occurredAt: '2026-11-22T10:00:00Z',
          channel: 'web',
          currency: 'EUR',
          lines: [{ lineId: '1', sku: 'TEE', category: 'apparel', quantity: 1, unitPriceMinor: 1_000 }],
        }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(((await response.json()) as { code: string }).code).toBe('KAFKA.UNAVAILABLE');
    } finally {
      await ingestion.stop();
    }
  });

  it('a bad environment stops the service with a message naming each variable', async () => {
    const { code, output } = await runServiceToExit('ingestion', { ...kafkaEnv(kafka), ...databaseEnv(database), KAFKA_BROKERS: 'not a broker list', API_KEYS_FILE: '/nonexistent/keys.json' });
    expect(code).toBe(78);
    expect(output).toContain('KAFKA_BROKERS');
    expect(output).toContain('API_KEYS_FILE');
  });

  it('an invalid program file stops the service naming the file and the field', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'bad-programs-'));
    writeFileSync(join(dir, 'acme.json'), JSON.stringify({ tenantId: 'acme', versions: [{ version: 'x', pendingDays: -1 }] }));
    const credentials = writeTestCredentials(['acme']);
    const { code, output } = await runServiceToExit('ingestion', { ...kafkaEnv(kafka), ...databaseEnv(database), ...credentials.env, PROGRAMS_DIR: dir });
    expect(code).toBe(78);
    expect(output).toContain('PROGRAMS_DIR/acme.json');
    expect(output).toContain('pendingDays');
  });
});
