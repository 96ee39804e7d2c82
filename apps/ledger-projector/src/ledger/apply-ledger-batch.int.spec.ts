import { type Kysely } from 'kysely';
import { type DatabaseConfig } from '@loyalty/config';
import { createDatabase, type Database } from '@loyalty/db';
import { type LedgerBatch } from '@loyalty/kafka';
import { createMigratedTestDatabase, dropTestDatabase, pointsEarnedFixture } from '@loyalty/testing';
import { applyLedgerBatch, applyLedgerBatches } from './apply-ledger-batch';

const CONSUMER = 'ledger-projector.test';
const TOPIC = 'loyalty.ledger.events.v1';

function batch(partition: number, firstOffset: number, events: LedgerBatch['events'][number]['event'][]): LedgerBatch {
  return {
    topic: TOPIC,
    partition,
    events: events.map((event, i) => ({ offset: String(firstOffset + i), event })),
    firstOffset: String(firstOffset),
    nextOffset: String(firstOffset + events.length),
  };
}

async function snapshot(db: Kysely<Database>) {
  return {
    balances: await db.selectFrom('member_balances').select(['tenant_id', 'member_id', 'currency', 'active', 'pending']).orderBy('tenant_id').orderBy('member_id').orderBy('currency').execute(),
    buckets: await db.selectFrom('point_buckets').selectAll().orderBy('bucket_id').execute(),
    entries: await db.selectFrom('ledger_entries').select(['event_id', 'points', 'log_offset']).orderBy('event_id').execute(),
    offsets: await db.selectFrom('consumer_offsets').select(['consumer', 'topic', 'partition', 'next_offset']).orderBy('partition').execute(),
  };
}

describe('applyLedgerBatch on the real Postgres', () => {
  let config: DatabaseConfig;
  let db: Kysely<Database>;

  beforeEach(async () => {
    config = await createMigratedTestDatabase();
    db = createDatabase(config, 'test');
  });

  afterEach(async () => {
    await db.destroy();
    await dropTestDatabase(config);
  });

  const e1 = pointsEarnedFixture({ points: 100, metadata: { eventId: 'e1', memberId: 'm-1' } });
  const e2 = pointsEarnedFixture({ points: 40, pending: false, metadata: { eventId: 'e2', memberId: 'm-1' } });
  const e3 = pointsEarnedFixture({ points: 7, metadata: { eventId: 'e3', memberId: 'm-2' } });

  it('given a batch, then balances, buckets, history and the next offset are written together', async () => {
    await applyLedgerBatch(db, CONSUMER, batch(1, 10, [e1, e2, e3]));

    const state = await snapshot(db);
    expect(state.balances).toEqual([
      { tenant_id: 'acme', member_id: 'm-1', currency: 'permanent', active: 40, pending: 100 },
      { tenant_id: 'acme', member_id: 'm-2', currency: 'permanent', active: 0, pending: 7 },
    ]);
    expect(state.buckets.map((b) => [b.bucket_id, b.amount, b.remaining])).toEqual([
      ['bkt-e1', 100, 100],
      ['bkt-e2', 40, 40],
      ['bkt-e3', 7, 7],
    ]);
    expect(state.entries).toEqual([
      { event_id: 'e1', points: 100, log_offset: 10 },
      { event_id: 'e2', points: 40, log_offset: 11 },
      { event_id: 'e3', points: 7, log_offset: 12 },
    ]);
    expect(state.offsets).toEqual([{ consumer: CONSUMER, topic: TOPIC, partition: 1, next_offset: 13 }]);
  });

  it('replay: the same batch twice gives the same rows and the same offset', async () => {
    await applyLedgerBatch(db, CONSUMER, batch(0, 0, [e1, e2, e3]));
    const once = await snapshot(db);
    const second = await applyLedgerBatch(db, CONSUMER, batch(0, 0, [e1, e2, e3]));
    expect(second.applied).toBe(0);
    expect(await snapshot(db)).toEqual(once);
  });

  it('an overlapping redelivery applies only the events past the stored offset', async () => {
    await applyLedgerBatch(db, CONSUMER, batch(0, 0, [e1, e2]));
    const result = await applyLedgerBatch(db, CONSUMER, batch(0, 1, [e2, e3]));
    expect(result.applied).toBe(1);
    const state = await snapshot(db);
    expect(state.balances.find((b) => b.member_id === 'm-2')).toMatchObject({ pending: 7 });
    expect(state.offsets[0]?.next_offset).toBe(3);
  });

  it('the same event at a new offset (a resent purchase) counts once', async () => {
    await applyLedgerBatch(db, CONSUMER, batch(0, 0, [e1]));
    await applyLedgerBatch(db, CONSUMER, batch(0, 1, [e1, e1]));
    const state = await snapshot(db);
    expect(state.balances).toEqual([{ tenant_id: 'acme', member_id: 'm-1', currency: 'permanent', active: 0, pending: 100 }]);
    expect(state.offsets[0]?.next_offset).toBe(3);
  });

  it('keeps tenants apart: the same member id in two tenants has two balances', async () => {
    const other = pointsEarnedFixture({ points: 5, metadata: { eventId: 'e1', tenantId: 'globex', memberId: 'm-1' } });
    await applyLedgerBatch(db, CONSUMER, batch(0, 0, [e1, other]));
    const state = await snapshot(db);
    expect(state.balances.map((b) => [b.tenant_id, b.member_id, b.pending])).toEqual([
      ['acme', 'm-1', 100],
      ['globex', 'm-1', 5],
    ]);
  });

  it('two instances applying the same batch concurrently (a rebalance) apply it once', async () => {
    const db2 = createDatabase(config, 'test-2');
    try {
      const results = await Promise.all([applyLedgerBatch(db, CONSUMER, batch(0, 0, [e1, e2, e3])), applyLedgerBatch(db2, CONSUMER, batch(0, 0, [e1, e2, e3]))]);
      expect(results.map((r) => r.applied).sort()).toEqual([0, 3]);
      expect((await snapshot(db)).balances.find((b) => b.member_id === 'm-1')).toMatchObject({ active: 40, pending: 100 });
    } finally {
      await db2.destroy();
    }
  });

  it('batches of several partitions commit together, and a replay of them changes nothing', async () => {
    const fetch = [batch(2, 5, [e3]), batch(0, 0, [e1, e2])];
    await applyLedgerBatches(db, CONSUMER, fetch);
    const once = await snapshot(db);
    expect(once.offsets).toEqual([
      { consumer: CONSUMER, topic: TOPIC, partition: 0, next_offset: 2 },
      { consumer: CONSUMER, topic: TOPIC, partition: 2, next_offset: 6 },
    ]);
    expect(once.balances.map((b) => [b.member_id, b.active, b.pending])).toEqual([
      ['m-1', 40, 100],
      ['m-2', 0, 7],
    ]);
    expect((await applyLedgerBatches(db, CONSUMER, fetch)).applied).toBe(0);
    expect(await snapshot(db)).toEqual(once);
  });

  it('a backlog whose rows would need more than 65,535 parameters applies in one transaction', async () => {
    // 6,000 earnings: 78,000 values for the history rows alone, past the wire protocol's limit.
    const events = Array.from({ length: 6_000 }, (_, i) => pointsEarnedFixture({ points: 1 + (i % 5), metadata: { eventId: `big-${i}`, memberId: `m-${i % 300}` } }));
    const result = await applyLedgerBatches(db, CONSUMER, [batch(0, 0, events.slice(0, 3_000)), batch(1, 0, events.slice(3_000))]);
    expect(result.applied).toBe(6_000);
    const total = await db.selectFrom('member_balances').select((eb) => eb.fn.sum<string>('pending').as('pending')).executeTakeFirstOrThrow();
    expect(Number(total.pending)).toBe(events.reduce((sum, e) => sum + (e.type === 'PointsEarned' ? e.data.points : 0), 0));
    expect((await snapshot(db)).offsets.map((o) => o.next_offset)).toEqual([3_000, 3_000]);
  });

  it('counts every point where it went: spent net of cancellations, reversed, debited; qualifying is not lowered by spending', async () => {
    const meta = (eventId: string) => ({ ...pointsEarnedFixture().metadata, eventId, memberId: 'm-9' });
    const earned = pointsEarnedFixture({ points: 100, pending: false, bucketId: 'b-9', metadata: { eventId: 'earn', memberId: 'm-9' } });
    const pendingEarned = pointsEarnedFixture({ points: 40, pending: true, bucketId: 'b-10', metadata: { eventId: 'earn-pending', memberId: 'm-9' } });
    // In one fetch, so the spend finds a bucket created by the same transaction.
    await applyLedgerBatch(
      db,
      CONSUMER,
      batch(0, 0, [
        earned,
        pendingEarned,
        { type: 'PointsSpent', data: { redemptionId: 'red-1', points: 30, reward: null, buckets: [{ bucketId: 'b-9', points: 30 }] }, metadata: meta('spend') },
        { type: 'RedemptionCancelled', data: { redemptionId: 'red-1', points: 10, buckets: [{ bucketId: 'b-9', points: 10 }] }, metadata: meta('cancel') },
      ]),
    );
    await applyLedgerBatch(
      db,
      CONSUMER,
      batch(0, 4, [
        { type: 'PointsReversed', data: { returnId: 'ret-1', transactionId: 'tx-1', points: 25, buckets: [{ bucketId: 'b-9', points: 20 }, { bucketId: 'b-10', points: 5 }], writtenOff: 0, debt: 0, lines: [] }, metadata: meta('reverse') },
        { type: 'PointsAdjusted', data: { adjustmentId: 'adj-1', points: 5, reason: 'correction', actor: 'ops', buckets: [{ bucketId: 'b-9', points: 5 }] }, metadata: meta('debit') },
      ]),
    );
    const balance = await db.selectFrom('member_balances').selectAll().where('member_id', '=', 'm-9').executeTakeFirstOrThrow();
    expect(balance).toMatchObject({ active: 55, pending: 35, spent: 20, reversed: 25, debited: 5, expired: 0, qualifying: 75 });
    const history = await db.selectFrom('ledger_entries').select(['event_id', 'points', 'cause_id', 'reason', 'buckets']).where('member_id', '=', 'm-9').orderBy('log_offset').execute();
    expect(history).toEqual([
      { event_id: 'earn', points: 100, cause_id: 'tx-1', reason: null, buckets: [{ bucketId: 'b-9', points: 100 }] },
      { event_id: 'earn-pending', points: 40, cause_id: 'tx-1', reason: null, buckets: [{ bucketId: 'b-10', points: 40 }] },
      { event_id: 'spend', points: -30, cause_id: 'red-1', reason: null, buckets: [{ bucketId: 'b-9', points: -30 }] },
      { event_id: 'cancel', points: 10, cause_id: 'red-1', reason: null, buckets: [{ bucketId: 'b-9', points: 10 }] },
      { event_id: 'reverse', points: -25, cause_id: 'ret-1', reason: null, buckets: [{ bucketId: 'b-9', points: -20 }, { bucketId: 'b-10', points: -5 }] },
      { event_id: 'debit', points: -5, cause_id: 'adj-1', reason: 'correction', buckets: [{ bucketId: 'b-9', points: -5 }] },
    ]);
  });

  it('a debt recorded in one batch is repaid by an earning in a later one', async () => {
    const meta = (eventId: string) => ({ ...pointsEarnedFixture().metadata, eventId, memberId: 'm-debt' });
    await applyLedgerBatch(
      db,
      CONSUMER,
      batch(0, 0, [{ type: 'PointsReversed', data: { returnId: 'ret', transactionId: 'tx-0', points: 275, buckets: [], writtenOff: 0, debt: 275, lines: [] }, metadata: meta('reverse') }]),
    );
    const repay = pointsEarnedFixture({ points: 400, pending: false, bucketId: 'b-repay', metadata: { eventId: 'repay', memberId: 'm-debt' } });
    await applyLedgerBatch(db, CONSUMER, batch(0, 1, [{ ...repay, data: { ...repay.data, debtRecovered: 275 } }]));
    expect(await db.selectFrom('member_debts').select('debt').where('member_id', '=', 'm-debt').executeTakeFirstOrThrow()).toEqual({ debt: 0 });
    expect(await db.selectFrom('member_balances').select(['active', 'qualifying']).where('member_id', '=', 'm-debt').executeTakeFirstOrThrow()).toEqual({ active: 125, qualifying: 400 });
  });

  it('a fetch that starts past the stored offset is not applied: it reports where to resume', async () => {
    await applyLedgerBatch(db, CONSUMER, batch(0, 0, [e1]));
    const result = await applyLedgerBatches(db, CONSUMER, [batch(0, 5, [e2]), batch(1, 0, [e3])]);
    expect(result.gaps).toEqual([{ topic: TOPIC, partition: 0, from: '1' }]);
    expect(result.applied).toBe(1);
    const state = await snapshot(db);
    expect(state.entries.map((e) => e.event_id)).toEqual(['e1', 'e3']);
    expect(state.offsets.map((o) => [o.partition, o.next_offset])).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });

  it("a balance's updated_at is the recording time of its latest event, however the events were batched", async () => {
    const at = (eventId: string, recordedAt: string) =>
      pointsEarnedFixture({ points: 5, pending: false, metadata: { eventId, memberId: 'm-t', recordedAt } });
    // The later-recorded event comes first in the fetch: the last one applied is not the latest.
    await applyLedgerBatch(db, CONSUMER, batch(0, 0, [at('late', '2026-11-22T12:00:00.000Z'), at('early', '2026-11-22T08:00:00.000Z')]));
    await applyLedgerBatch(db, CONSUMER, batch(0, 2, [at('earlier', '2026-11-22T07:00:00.000Z')]));
    expect(await db.selectFrom('member_balances').select(['active', 'updated_at']).where('member_id', '=', 'm-t').executeTakeFirstOrThrow()).toEqual({
      active: 15,
      updated_at: '2026-11-22T12:00:00.000Z',
    });
  });
});
