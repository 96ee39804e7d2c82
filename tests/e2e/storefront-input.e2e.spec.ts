import { type Consumer, type Producer } from 'kafkajs';
import { STOREFRONT_DLQ_TOPIC, STOREFRONT_INPUT_TOPIC, createKafkaClient, prefixed } from '@loyalty/kafka';
import { type TestSystem, eventually, startTestSystem, uniqueTestId } from '@loyalty/testing';

interface DeadLetter {
  readonly key: string;
  readonly value: string;
  readonly reason: string;
  readonly code: string;
}

/** The Kafka path: storefront messages are recorded exactly like HTTP requests; bad ones are dead-lettered. */
describe('storefront input topic', () => {
  let system: TestSystem;
  let producer: Producer;
  let consumer: Consumer;
  const deadLetters: DeadLetter[] = [];

  beforeAll(async () => {
    system = await startTestSystem();
    const kafka = createKafkaClient(system.kafka, 'storefront-test');
    producer = kafka.producer();
    await producer.connect();
    consumer = kafka.consumer({ groupId: uniqueTestId('dlq-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: prefixed(system.kafka.KAFKA_TOPIC_PREFIX, STOREFRONT_DLQ_TOPIC), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        deadLetters.push({
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          reason: message.headers?.['dlq-reason']?.toString() ?? '',
          code: message.headers?.['dlq-code']?.toString() ?? '',
        });
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await system?.stop();
  });

  const send = (key: string, value: string) => producer.send({ topic: prefixed(system.kafka.KAFKA_TOPIC_PREFIX, STOREFRONT_INPUT_TOPIC), messages: [{ key, value }] });
  const purchase = (memberId: string, transactionId: string) => ({
    type: 'purchase',
    payload: {
      tenantId: 'acme',
      transactionId,
      memberId,
      occurredAt: '2026-11-22T10:00:00Z',
      channel: 'web',
      currency: 'EUR',
      lines: [{ lineId: '1', sku: 'TEE', category: 'apparel', quantity: 1, unitPriceMinor: 5_000 }],
    },
  });

  it('records purchases from the topic; a redelivered or HTTP-twin message counts once', async () => {
    const memberId = uniqueTestId('m');
    const transactionId = uniqueTestId('tx');
    const message = JSON.stringify(purchase(memberId, transactionId));
    await send(`acme|${memberId}`, message);
    await send(`acme|${memberId}`, message); // a producer retry
    await system.balance(memberId, (b) => b.total.active === 100); // consumed from the topic
    const http = await system.post('/v1/purchases', purchase(memberId, transactionId).payload); // then its HTTP twin
    expect(http.status).toBe(202);
    expect(http.headers.get('idempotent-replayed')).toBe('true');
    await send(`acme|${memberId}`, JSON.stringify({ type: 'activity', payload: { tenantId: 'acme', activityId: uniqueTestId('a'), memberId, activityType: 'product-usage', occurredAt: '2026-11-22T11:00:00Z' } }));
    const view = await system.balance(memberId, (b) => b.total.active === 100 + 20);
    expect(view.total).toEqual({ active: 120, pending: 0, spent: 0, reversed: 0, debited: 0, expired: 0, qualifying: 120 });
  });

  it('dead-letters malformed, invalid, mis-keyed and rejected messages with the reason and the original bytes, and keeps going', async () => {
    const memberId = uniqueTestId('m');
    const bad = [
      { key: `acme|${memberId}`, value: '{"type": "purchase", "payload": {', code: 'INPUT.INVALID', reason: 'malformed JSON' },
      { key: `acme|${memberId}`, value: JSON.stringify({ type: 'purchase', payload: { ...purchase(memberId, 'x').payload, lines: [] } }), code: 'INPUT.INVALID', reason: 'lines' },
      { key: 'acme|someone-else', value: JSON.stringify(purchase(memberId, uniqueTestId('tx'))), code: 'INPUT.INVALID', reason: 'the key must be' },
      {
        key: `acme|${memberId}`,
        value: JSON.stringify({ type: 'return', payload: { tenantId: 'acme', returnId: uniqueTestId('r'), transactionId: 'never-bought', memberId, occurredAt: '2026-11-22T10:00:00Z', lines: [{ lineId: '1', quantity: 1 }] } }),
        code: 'RETURN.UNKNOWN_TRANSACTION',
        reason: 'no transaction never-bought',
      },
    ];
    for (const b of bad) await send(b.key, b.value);
    await send(`acme|${memberId}`, JSON.stringify(purchase(memberId, uniqueTestId('tx')))); // the pipeline is not stalled

    await system.balance(memberId, (v) => v.total.active === 100);
    const ours = await eventually(async () => {
      const found = bad.map((b) => deadLetters.find((d) => d.value === b.value));
      return found.every((f) => f !== undefined) ? found : undefined;
    }, 'the dead letters');
    ours.forEach((d, i) => {
      expect(d).toMatchObject({ key: bad[i]!.key, value: bad[i]!.value, code: bad[i]!.code });
      expect(d!.reason).toContain(bad[i]!.reason);
    });
  });
});
