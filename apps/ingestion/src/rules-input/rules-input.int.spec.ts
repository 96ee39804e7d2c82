import { type Consumer, type Producer } from 'kafkajs';
import { sql } from 'kysely';
import { type LedgerEvent, type LedgerEventType } from '@loyalty/domain';
import { createDatabase } from '@loyalty/db';
import { RULES_COMMANDS_TOPIC, createKafkaClient, ledgerTopology, prefixed } from '@loyalty/kafka';
import { type TestSystem, eventually, startTestSystem, uniqueTestId } from '@loyalty/testing';
import { RULES_COMMANDS_DLQ_TOPIC } from './rules-commands.topics';

interface DeadLetter {
  readonly key: string;
  readonly value: string;
  readonly reason: string;
  readonly code: string;
}

const HOUR_MS = 3_600_000;

/**
 * The rules service's commands, through the real ingestion process: decided on the write model
 * under the member's lock, appended to the ledger, idempotent by command id, bad ones dead-lettered.
 */
describe('rules commands topic', () => {
  let system: TestSystem;
  let producer: Producer;
  const readers: Consumer[] = [];
  const ledger: LedgerEvent[] = [];
  const deadLetters: DeadLetter[] = [];

  beforeAll(async () => {
    // A return window of 14 days: purchase points stay pending until the rules service activates them.
    system = await startTestSystem({ programs: { acme: { pendingDays: 14 } } });
    const kafka = createKafkaClient(system.kafka, 'rules-commands-spec');
    producer = kafka.producer({ idempotent: true });
    await producer.connect();

    const { topic, codec } = ledgerTopology(system.kafka);
    const ledgerReader = kafka.consumer({ groupId: uniqueTestId('ledger-reader') });
    const dlqReader = kafka.consumer({ groupId: uniqueTestId('dlq-reader') });
    readers.push(ledgerReader, dlqReader);
    await Promise.all(readers.map((r) => r.connect()));
    await ledgerReader.subscribe({ topic, fromBeginning: true });
    await dlqReader.subscribe({ topic: prefixed(system.kafka.KAFKA_TOPIC_PREFIX, RULES_COMMANDS_DLQ_TOPIC), fromBeginning: true });
    await ledgerReader.run({
      eachMessage: async ({ message }) => {
        const decoded = await codec.decode(message.value);
        if (decoded.ok) ledger.push(decoded.event);
      },
    });
    await dlqReader.run({
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
    for (const reader of readers) await reader.disconnect();
    await producer?.disconnect();
    await system?.stop();
  });

  const sendRaw = (key: string, value: string) => producer.send({ topic: prefixed(system.kafka.KAFKA_TOPIC_PREFIX, RULES_COMMANDS_TOPIC), acks: -1, messages: [{ key, value }] });
  const send = (command: { tenantId: string; memberId: string }) => sendRaw(`${command.tenantId}|${command.memberId}`, JSON.stringify(command));
  const origin = (memberId: string, commandId = uniqueTestId('cmd')) => ({ commandId, tenantId: 'acme', memberId, programVersion: 'test-acme', causationId: uniqueTestId('cause') });

  type EventOf<T extends LedgerEventType> = Extract<LedgerEvent, { type: T }>;
  const eventsOf = <T extends LedgerEventType>(memberId: string, type: T): EventOf<T>[] =>
    ledger.filter((e): e is EventOf<T> => e.metadata.memberId === memberId && e.type === type);
  const ledgerEvent = <T extends LedgerEventType>(memberId: string, type: T, where: (e: EventOf<T>) => boolean = () => true) =>
    eventually(async () => eventsOf(memberId, type).find(where), `${type} of ${memberId} in the ledger`);

  const redeem = (memberId: string, points: number) => system.post('/v1/redemptions', { tenantId: 'acme', redemptionId: uniqueTestId('red'), memberId, points });
  const activity = (memberId: string, occurredAt: string, activityType = 'product-usage') =>
    system.post('/v1/activities', { tenantId: 'acme', activityId: uniqueTestId('act'), memberId, activityType, occurredAt });

  it('activates pending purchase points: spending is refused before and succeeds after', async () => {
    const memberId = uniqueTestId('m');
    const purchase = await system.post('/v1/purchases', {
      tenantId: 'acme',
      transactionId: uniqueTestId('tx'),
      memberId,
      occurredAt: new Date().toISOString(),
      channel: 'web',
      currency: 'EUR',
      lines: [{ lineId: '1', sku: 'TEE', category: 'apparel', quantity: 1, unitPriceMinor: 5_000 }],
    });
    expect(purchase.status).toBe(202);
    expect(await purchase.json()).toMatchObject({ points: 100, pending: true });
    const earned = await ledgerEvent(memberId, 'PointsEarned');
    expect((await redeem(memberId, 60)).status).toBe(409);

    const command = { type: 'activate-points', ...origin(memberId), bucketId: earned.data.bucketId, activatedAt: new Date(Date.now() + 14 * 24 * HOUR_MS).toISOString() };
    await send(command);

    const activated = await ledgerEvent(memberId, 'PointsActivated');
    expect(activated.data).toEqual({ bucketId: earned.data.bucketId, currency: 'permanent', points: 100, activatedAt: command.activatedAt });
    expect(activated.metadata).toMatchObject({ occurredAt: command.activatedAt, correlationId: command.commandId, causationId: command.causationId, programVersion: 'test-acme' });
    // The event is in the log only after the write model committed it: spending sees it.
    const redemption = await redeem(memberId, 60);
    expect(redemption.status).toBe(202);
    expect(await redemption.json()).toMatchObject({ points: 60, buckets: [{ bucketId: earned.data.bucketId, points: 60 }] });
  });

  it('expires what is left of a bucket, once: a redelivered command adds nothing, and the points are no longer spendable', async () => {
    const memberId = uniqueTestId('m');
    expect((await activity(memberId, new Date(Date.now() - HOUR_MS).toISOString())).status).toBe(202); // 20 temporary points, active at once
    const earned = await ledgerEvent(memberId, 'PointsEarned');
    expect((await redeem(memberId, 5)).status).toBe(202);

    const expiry = JSON.stringify({ type: 'expire-points', ...origin(memberId), bucketId: earned.data.bucketId, expiredAt: earned.data.expiresAt });
    await sendRaw(`acme|${memberId}`, expiry);
    const expired = await ledgerEvent(memberId, 'PointsExpired');
    expect(expired.data).toEqual({ bucketId: earned.data.bucketId, currency: 'temporary', points: 15, expiresAt: earned.data.expiresAt, expiredAt: earned.data.expiresAt });
    expect((await redeem(memberId, 1)).status).toBe(409);

    // The same command again (a rules service retry), then a marker behind it on the member's partition.
    await sendRaw(`acme|${memberId}`, expiry);
    const marker = { type: 'grant-offer', ...origin(memberId), offerId: uniqueTestId('offer'), activityType: 'product-usage', bonusPoints: 0, validFrom: new Date().toISOString(), validUntil: new Date(Date.now() + HOUR_MS).toISOString() };
    await send(marker);
    await ledgerEvent(memberId, 'ReengagementOfferGranted', (e) => e.data.offerId === marker.offerId);
    expect(eventsOf(memberId, 'PointsExpired')).toHaveLength(1);
  });

  it('grants a re-engagement offer: a qualifying activity inside it earns the bonus', async () => {
    const memberId = uniqueTestId('m');
    expect((await activity(memberId, new Date(Date.now() - 2 * HOUR_MS).toISOString(), 'review-written')).status).toBe(202); // a member ingestion knows
    const offer = { type: 'grant-offer', ...origin(memberId), offerId: uniqueTestId('offer'), activityType: 'product-usage', bonusPoints: 200, validFrom: new Date(Date.now() - HOUR_MS).toISOString(), validUntil: new Date(Date.now() + 14 * 24 * HOUR_MS).toISOString() };
    await send(offer);
    await ledgerEvent(memberId, 'ReengagementOfferGranted');

    const response = await activity(memberId, new Date().toISOString());
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ points: 20 + 200 });
    const bonus = await ledgerEvent(memberId, 'PointsEarned', (e) => e.data.source.kind === 'REENGAGEMENT');
    expect(bonus.data).toMatchObject({ points: 200, currency: 'temporary', source: { sourceId: offer.offerId } });
  });

  it('dead-letters malformed, invalid, mis-keyed and conflicting commands with the reason and the original bytes, and keeps going', async () => {
    const memberId = uniqueTestId('m');
    expect((await activity(memberId, new Date().toISOString())).status).toBe(202);
    const earned = await ledgerEvent(memberId, 'PointsEarned');
    const first = { type: 'activate-points', ...origin(memberId, uniqueTestId('reused')), bucketId: earned.data.bucketId, activatedAt: new Date().toISOString() };
    await send(first); // already active: a no-op, recorded under its command id
    const bad = [
      { key: `acme|${memberId}`, value: 'not json at all', code: 'INPUT.INVALID', reason: 'malformed JSON' },
      { key: `acme|${memberId}`, value: JSON.stringify({ ...first, commandId: uniqueTestId('c'), surprise: 1 }), code: 'INPUT.INVALID', reason: 'surprise' },
      { key: 'acme|someone-else', value: JSON.stringify({ ...first, commandId: uniqueTestId('c') }), code: 'INPUT.INVALID', reason: 'the key must be' },
      { key: `acme|${memberId}`, value: JSON.stringify({ ...first, bucketId: 'another-bucket' }), code: 'IDEMPOTENCY.KEY_REUSED', reason: `rules:${first.commandId} was already used` },
    ];
    for (const b of bad) await sendRaw(b.key, b.value);
    const marker = { type: 'grant-offer', ...origin(memberId), offerId: uniqueTestId('offer'), activityType: 'product-usage', bonusPoints: 0, validFrom: new Date().toISOString(), validUntil: new Date(Date.now() + HOUR_MS).toISOString() };
    await send(marker); // the partition is not stalled
    await ledgerEvent(memberId, 'ReengagementOfferGranted');

    const ours = await eventually(async () => {
      const found = bad.map((b) => deadLetters.find((d) => d.value === b.value));
      return found.every((f) => f !== undefined) ? found : undefined;
    }, 'the dead letters');
    ours.forEach((d, i) => {
      expect(d).toMatchObject({ key: bad[i]!.key, value: bad[i]!.value, code: bad[i]!.code });
      expect(d!.reason).toContain(bad[i]!.reason);
    });
    expect(eventsOf(memberId, 'PointsActivated')).toEqual([]);
  });

  it('answers a no-op for a member ingestion does not know, without creating them', async () => {
    const memberId = uniqueTestId('ghost');
    const command = { type: 'grant-offer', ...origin(memberId), offerId: uniqueTestId('offer'), activityType: 'product-usage', bonusPoints: 200, validFrom: new Date().toISOString(), validUntil: new Date(Date.now() + HOUR_MS).toISOString() };
    await send(command);

    const db = createDatabase(system.database, 'rules-commands-spec');
    try {
      const recorded = await eventually(async () => {
        const { rows } = await sql<{ status: number; summary: { applied: boolean; reason: string } }>`
          select status, summary from ingestion_commands where tenant_id = 'acme' and command_key = ${`rules:${command.commandId}`}`.execute(db);
        return rows[0];
      }, 'the recorded command');
      expect(recorded).toEqual({ status: 200, summary: { commandId: command.commandId, type: 'grant-offer', applied: false, reason: `member ${memberId} is not known` } });
      const { rows } = await sql`select 1 from ingestion_members where tenant_id = 'acme' and member_id = ${memberId}`.execute(db);
      expect(rows).toEqual([]);
    } finally {
      await db.destroy();
    }
    expect(eventsOf(memberId, 'ReengagementOfferGranted')).toEqual([]);
  });
});
