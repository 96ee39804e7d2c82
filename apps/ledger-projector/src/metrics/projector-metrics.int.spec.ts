import { type DatabaseConfig, type KafkaConfig } from '@loyalty/config';
import { createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import {
  type RunningService,
  createMigratedTestDatabase,
  databaseEnv,
  dropTestDatabase,
  eventually,
  freePort,
  kafkaEnv,
  pointsEarnedFixture,
  provisionTestKafka,
  startService,
  uniqueTestId,
  writeTestCredentials,
} from '@loyalty/testing';
import { type Producer } from 'kafkajs';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (match === null) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

const PARTITIONS = 3; // provisionTestKafka's topics

/**
 * The real projector process on its own topics, group and database: after ledger events are
 * produced, /metrics counts them and shows no lag, and /health (with the lag) is up.
 */
describe('the ledger projector exposes /metrics and a lag-aware /health', () => {
  let kafka: KafkaConfig;
  let database: DatabaseConfig;
  let projector: RunningService;
  let producer: Producer;

  beforeAll(async () => {
    kafka = await provisionTestKafka('metrics');
    database = await createMigratedTestDatabase();
    const credentials = writeTestCredentials(['acme']);
    const port = await freePort();
    projector = await startService(
      'ledger-projector',
      { ...kafkaEnv(kafka), ...databaseEnv(database), ...credentials.env, LEDGER_QUERY_PORT: String(port), LEDGER_PROJECTOR_GROUP: uniqueTestId('group') },
      port,
    );
    producer = createKafkaClient(kafka, 'test-metrics-producer').producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await projector?.stop();
    if (database !== undefined) await dropTestDatabase(database);
  });

  const scrape = async (): Promise<Sample[]> => {
    const response = await fetch(`${projector.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    return parseExposition(await response.text());
  };
  const value = (samples: readonly Sample[], name: string, labels: Record<string, string> = {}) =>
    samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

  it('counts the applied events and the resent one, shows a lag of 0 on every partition, and is healthy', async () => {
    const { topic, codec } = ledgerTopology(kafka);
    const events = Array.from({ length: 6 }, (_, i) => pointsEarnedFixture({ points: 10 + i, metadata: { eventId: uniqueTestId('e'), memberId: `m-${i}` } }));
    // The first event sent again (same id, new offset), as after a producer retry: counted once.
    const sent = [...events, events[0]!];
    await producer.send({
      topic,
      acks: -1,
      messages: await Promise.all(sent.map(async (e) => ({ key: `${e.metadata.tenantId}|${e.metadata.memberId}`, value: await codec.encode(e) }))),
    });

    const caughtUp = await eventually(async () => {
      const samples = await scrape();
      const lags = samples.filter((s) => s.name === 'loyalty_projector_consumer_lag');
      const settled = value(samples, 'loyalty_projector_events_applied_total', { topic }) === 6 && lags.length === PARTITIONS && lags.every((l) => l.value === 0);
      return settled ? samples : undefined;
    }, 'the projector to apply every event and report no lag');

    expect(value(caughtUp, 'loyalty_projector_events_applied_total', { topic })).toBe(6);
    expect(value(caughtUp, 'loyalty_projector_events_skipped_total', { topic })).toBe(1);
    expect(value(caughtUp, 'loyalty_projector_batch_size_sum')).toBe(sent.length);
    expect(value(caughtUp, 'loyalty_projector_apply_duration_seconds_count')).toBe(value(caughtUp, 'loyalty_projector_batch_size_count'));
    expect(
      caughtUp
        .filter((s) => s.name === 'loyalty_projector_consumer_lag')
        .map((s) => s.labels)
        .sort((a, b) => Number(a['partition']) - Number(b['partition'])),
    ).toEqual(Array.from({ length: PARTITIONS }, (_, p) => ({ topic, partition: String(p) })));
    expect(value(caughtUp, 'process_cpu_seconds_total')).toBeDefined();

    const health = await fetch(`${projector.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      details: {
        kafka: { status: 'up' },
        postgres: { status: 'up' },
        ledgerConsumer: { status: 'up' },
        ledgerLag: { status: 'up', totalLag: 0, maxHealthyLag: 100_000, state: 'within-bound' },
      },
    });
  });

  it('serves /metrics without credentials, in the Prometheus text format, while the query API requires a key', async () => {
    const metrics = await fetch(`${projector.baseUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await fetch(`${projector.baseUrl}/v1/members/m-0/balance`)).status).toBe(401);
  });
});
