import { type KafkaConfig } from '@loyalty/config';
import { freePort, kafkaEnv, provisionTestKafka, runServiceToExit, startService, uniqueTestId, writeTestApiKeys } from '@loyalty/testing';

describe('failure modes', () => {
  let kafka: KafkaConfig;

  beforeAll(async () => {
    kafka = await provisionTestKafka('fail');
  });

  it('with Kafka down, a write gets 503 with Retry-After and health says why, never a 2xx', async () => {
    const deadBroker = await freePort(); // nothing listens there
    const port = await freePort();
    const { file, keys } = writeTestApiKeys(['acme']);
    const env = { ...kafkaEnv(kafka), KAFKA_BROKERS: `127.0.0.1:${deadBroker}`, API_KEYS_FILE: file, INGESTION_PORT: String(port), PUBLISH_TIMEOUT_MS: '3000' };
    const ingestion = await startService('ingestion', env, port, { until: 'answering' });
    try {
      const health = await fetch(`${ingestion.baseUrl}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ code: 'HEALTH.DEGRADED', checks: { kafka: { status: 'down' } } });

      const response = await fetch(`${ingestion.baseUrl}/v1/purchases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': keys['acme']! },
        body: JSON.stringify({
          tenantId: 'acme',
          transactionId: uniqueTestId('tx'),
          memberId: 'm-1',
          occurredAt: '2026-11-22T10:00:00Z',
          currency: 'EUR',
          lines: [{ lineId: '1', category: 'apparel', amountMinor: 1_000 }],
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
    const { code, output } = await runServiceToExit('ingestion', { ...kafkaEnv(kafka), KAFKA_BROKERS: 'not a broker list', API_KEYS_FILE: '/nonexistent/keys.json' });
    expect(code).toBe(78);
    expect(output).toContain('KAFKA_BROKERS');
    expect(output).toContain('API_KEYS_FILE');
  });
});
