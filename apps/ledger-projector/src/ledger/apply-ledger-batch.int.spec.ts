import { type Kysely } from 'kysely';
import { type DatabaseConfig } from '@loyalty/config';
import { createDatabase, type Database } from '@loyalty/db';
import { type LedgerEvent, foldLedgerBalances } from '@loyalty/domain';
import { type LedgerBatch } from '@loyalty/kafka';
import { NO_ROW_DIFFERENCE, PROJECTION_EQUALS_FOLD, createMigratedTestDatabase, dropTestDatabase, metadataFixture, pointsEarnedFixture, projectionDifferences, rowDifference } from '@loyalty/testing';
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

/** Everything the projection holds, write times left out (they depend on batching). */
async function fullSnapshot(db: Kysely<Database>) {
  return {
    ...(await snapshot(db)),
    figures: await db.selectFrom('member_balances').selectAll().orderBy('tenant_id').orderBy('member_id').orderBy('currency').execute(),
    entries: await db.selectFrom('ledger_entries').selectAll().orderBy('tenant_id').orderBy('event_id').execute(),
    tiers: await db.selectFrom('member_tiers').selectAll().orderBy('tenant_id').orderBy('member_id').execute(),
    tierHistory: await db.selectFrom('member_tier_history').selectAll().orderBy('tenant_id').orderBy('event_id').execute(),
    debts: await db.selectFrom('member_debts').selectAll().orderBy('tenant_id').orderBy('member_id').execute(),
  };
}

/** member_tiers against the fold's standings: qualifying points, tier and custom tiers of every member. */
async function standingDifferences(db: Kysely<Database>, events: readonly LedgerEvent[]) {
  const rows = await db.selectFrom('member_tiers').select(['tenant_id', 'member_id', 'qualifying_points', 'tier_id', 'custom_tiers']).execute();
  const actual = rows.map((r) => ({ tenantId: r.tenant_id, memberId: r.member_id, qualifyingPoints: r.qualifying_points, tier: r.tier_id, customTiers: r.custom_tiers as string[] }));
  return rowDifference(actual, foldLedgerBalances(events).standings, (r) => `${r.tenantId}|${r.memberId}`);
}

const at = (day: number) => `2026-12-${String(day).padStart(2, '0')}T23:00:00.000Z`;
const meta = (eventId: string, memberId: string, day = 1) => metadataFixture({ eventId, memberId, occurredAt: at(day), recordedAt: at(day), programVersion: 'v-2' });
const activated = (eventId: string, memberId: string, bucketId: string, points: number, day = 6): LedgerEvent => ({
  type: 'PointsActivated',
  data: { bucketId, currency: 'permanent', points, activatedAt: at(day) },
  metadata: meta(eventId, memberId, day),
});
const expired = (eventId: string, memberId: string, bucketId: string, points: number, currency = 'permanent', day = 20): LedgerEvent => ({
  type: 'PointsExpired',
  data: { bucketId, currency, points, expiresAt: at(day), expiredAt: at(day) },
  metadata: meta(eventId, memberId, day),
});
const tierChanged = (eventId: string, memberId: string, from: string | null, to: string, day = 7): LedgerEvent => ({
  type: 'TierChanged',
  data: { from, to, direction: 'UP', reason: 'EARNED', qualifyingPoints: 1_000, customTiers: [], changedAt: at(day) },
  metadata: meta(eventId, memberId, day),
});

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
    // The purchase the return reversed is not in this projection: its 275 points leave the member's
    // qualifying points, but no currency's share.
    expect(await db.selectFrom('member_balances').select(['active', 'qualifying']).where('member_id', '=', 'm-debt').executeTakeFirstOrThrow()).toEqual({ active: 125, qualifying: 400 });
    expect(await db.selectFrom('member_tiers').select('qualifying_points').where('member_id', '=', 'm-debt').executeTakeFirstOrThrow()).toEqual({ qualifying_points: 125 });
  });

  it('a return of spent points lowers the qualifying points by all it reversed, in the currency of the purchase', async () => {
    const earned = pointsEarnedFixture({ points: 100, pending: false, bucketId: 'b-spent', transactionId: 'tx-s', metadata: { eventId: 'earn-s', memberId: 'm-s' } });
    await applyLedgerBatch(db, CONSUMER, batch(0, 0, [earned, { type: 'PointsSpent', data: { redemptionId: 'red', points: 80, reward: null, buckets: [{ bucketId: 'b-spent', points: 80 }] }, metadata: meta('spend-s', 'm-s') }]));
    await applyLedgerBatch(
      db,
      CONSUMER,
      batch(0, 2, [{ type: 'PointsReversed', data: { returnId: 'ret-s', transactionId: 'tx-s', points: 50, buckets: [{ bucketId: 'b-spent', points: 20 }], writtenOff: 30, debt: 0, lines: [] }, metadata: meta('reverse-s', 'm-s') }]),
    );
    expect(await db.selectFrom('member_balances').select(['active', 'spent', 'reversed', 'qualifying']).where('member_id', '=', 'm-s').executeTakeFirstOrThrow()).toEqual({ active: 0, spent: 80, reversed: 20, qualifying: 50 });
    expect(await db.selectFrom('member_tiers').select('qualifying_points').where('member_id', '=', 'm-s').executeTakeFirstOrThrow()).toEqual({ qualifying_points: 50 });
  });

  it('an activation makes the bucket active: its points move from pending to active and qualify; a history entry names the bucket', async () => {
    const earned = pointsEarnedFixture({ points: 300, pending: true, bucketId: 'b-act', metadata: { eventId: 'earn-act', memberId: 'm-act' } });
    await applyLedgerBatch(db, CONSUMER, batch(0, 0, [earned]));
    await applyLedgerBatch(db, CONSUMER, batch(0, 1, [activated('act', 'm-act', 'b-act', 300)]));

    expect(await db.selectFrom('point_buckets').select(['pending', 'remaining', 'activated_at', 'expired_at']).where('bucket_id', '=', 'b-act').executeTakeFirstOrThrow()).toEqual({
      pending: false,
      remaining: 300,
      activated_at: at(6),
      expired_at: null,
    });
    expect(await db.selectFrom('member_balances').select(['active', 'pending', 'qualifying']).where('member_id', '=', 'm-act').executeTakeFirstOrThrow()).toEqual({ active: 300, pending: 0, qualifying: 300 });
    expect(await db.selectFrom('member_tiers').select(['qualifying_points', 'tier_id']).where('member_id', '=', 'm-act').executeTakeFirstOrThrow()).toEqual({ qualifying_points: 300, tier_id: null });
    expect(await db.selectFrom('ledger_entries').select(['event_type', 'points', 'currency', 'bucket_id', 'cause_id', 'buckets', 'program_version']).where('event_id', '=', 'act').executeTakeFirstOrThrow()).toEqual({
      event_type: 'PointsActivated',
      points: 300,
      currency: 'permanent',
      bucket_id: 'b-act',
      cause_id: 'b-act',
      buckets: [],
      program_version: 'v-2',
    });
  });

  it('an expiry takes the rest of the bucket: remaining and active drop, expired and the history grow, qualifying points fall', async () => {
    const earned = pointsEarnedFixture({ points: 50, pending: false, bucketId: 'b-exp', metadata: { eventId: 'earn-exp', memberId: 'm-exp' } });
    const temporary = { ...earned, data: { ...earned.data, currency: 'temporary', expiresAt: at(20) } };
    await applyLedgerBatch(
      db,
      CONSUMER,
      batch(0, 0, [temporary, { type: 'PointsSpent', data: { redemptionId: 'red-exp', points: 20, reward: null, buckets: [{ bucketId: 'b-exp', points: 20 }] }, metadata: meta('spend-exp', 'm-exp') }]),
    );
    await applyLedgerBatch(db, CONSUMER, batch(0, 2, [expired('exp', 'm-exp', 'b-exp', 30, 'temporary')]));

    expect(await db.selectFrom('point_buckets').select(['remaining', 'expired_at']).where('bucket_id', '=', 'b-exp').executeTakeFirstOrThrow()).toEqual({ remaining: 0, expired_at: at(20) });
    expect(await db.selectFrom('member_balances').select(['currency', 'active', 'spent', 'expired', 'qualifying']).where('member_id', '=', 'm-exp').executeTakeFirstOrThrow()).toEqual({
      currency: 'temporary',
      active: 0,
      spent: 20,
      expired: 30,
      qualifying: 20,
    });
    expect(await db.selectFrom('member_tiers').select('qualifying_points').where('member_id', '=', 'm-exp').executeTakeFirstOrThrow()).toEqual({ qualifying_points: 20 });
    expect(await db.selectFrom('ledger_entries').select(['event_type', 'points', 'bucket_id', 'cause_id', 'buckets']).where('event_id', '=', 'exp').executeTakeFirstOrThrow()).toEqual({
      event_type: 'PointsExpired',
      points: -30,
      bucket_id: 'b-exp',
      cause_id: 'b-exp',
      buckets: [{ bucketId: 'b-exp', points: -30 }],
    });
  });

  it('tier changes and custom tiers: the member row holds the latest, the tier history every event once', async () => {
    await applyLedgerBatch(
      db,
      CONSUMER,
      batch(0, 0, [
        tierChanged('t1', 'm-t', null, 'bronze', 1),
        { type: 'CustomTierAssigned', data: { tier: 'vip' }, metadata: meta('vip', 'm-t', 2) },
        tierChanged('t2', 'm-t', 'bronze', 'silver', 7),
      ]),
    );
    await applyLedgerBatch(
      db,
      CONSUMER,
      batch(0, 3, [
        { type: 'CustomTierAssigned', data: { tier: 'employee' }, metadata: meta('emp', 'm-t', 8) },
        { type: 'CustomTierRevoked', data: { tier: 'vip' }, metadata: meta('vip-off', 'm-t', 9) },
        // A resend of the first assignment (same event id, later offset) must not bring vip back.
        { type: 'CustomTierAssigned', data: { tier: 'vip' }, metadata: meta('vip', 'm-t', 2) },
      ]),
    );

    expect(await db.selectFrom('member_tiers').selectAll().where('member_id', '=', 'm-t').executeTakeFirstOrThrow()).toEqual({
      tenant_id: 'acme',
      member_id: 'm-t',
      qualifying_points: 0,
      tier_id: 'silver',
      tier_changed_at: at(7),
      tier_reason: 'EARNED',
      tier_program_version: 'v-2',
      custom_tiers: ['employee'],
    });
    const history = await db.selectFrom('member_tier_history').select(['event_id', 'event_type', 'tier', 'from_tier', 'effective_at', 'log_offset']).where('member_id', '=', 'm-t').orderBy('log_offset').execute();
    expect(history).toEqual([
      { event_id: 't1', event_type: 'TierChanged', tier: 'bronze', from_tier: null, effective_at: at(1), log_offset: 0 },
      { event_id: 'vip', event_type: 'CustomTierAssigned', tier: 'vip', from_tier: null, effective_at: at(2), log_offset: 1 },
      { event_id: 't2', event_type: 'TierChanged', tier: 'silver', from_tier: 'bronze', effective_at: at(7), log_offset: 2 },
      { event_id: 'emp', event_type: 'CustomTierAssigned', tier: 'employee', from_tier: null, effective_at: at(8), log_offset: 3 },
      { event_id: 'vip-off', event_type: 'CustomTierRevoked', tier: 'vip', from_tier: null, effective_at: at(9), log_offset: 4 },
    ]);
    expect(await db.selectFrom('ledger_entries').select('event_id').where('member_id', '=', 'm-t').execute()).toEqual([]);
  });

  it('replay: a batch of activations, expiries and tier events applied twice gives the same rows and the same offsets', async () => {
    const events = lifecycle('m-r');
    await applyLedgerBatch(db, CONSUMER, batch(0, 0, events));
    const once = await fullSnapshot(db);
    expect((await applyLedgerBatch(db, CONSUMER, batch(0, 0, events))).applied).toBe(0);
    expect(await fullSnapshot(db)).toEqual(once);
    // Redelivered again from the middle (a crash between the Postgres and the Kafka commits).
    expect((await applyLedgerBatch(db, CONSUMER, batch(0, 3, events.slice(3)))).applied).toBe(0);
    expect(await fullSnapshot(db)).toEqual(once);
    expect(once.offsets).toEqual([{ consumer: CONSUMER, topic: TOPIC, partition: 0, next_offset: events.length }]);
  });

  it('however the log is cut into batches, the tables equal the pure fold of the log', async () => {
    const events = [...lifecycle('m-a'), ...lifecycle('m-b'), ...lifecycle('m-c')];
    const expected = foldLedgerBalances(events);
    // Each member in a partition of its own, cut at different points: every event alone, all in one
    // batch, and cuts that separate an earning from its activation, or a return from its activation.
    const cuts: readonly (readonly number[])[] = [events.map((_, i) => i), [0], [0, 2, 5, 9]];
    for (const [p, member] of ['m-a', 'm-b', 'm-c'].entries()) {
      const own = events.filter((e) => e.metadata.memberId === member);
      const starts = (cuts[p] ?? [0]).filter((i) => i < own.length);
      for (const [i, start] of starts.entries()) {
        const end = starts[i + 1] ?? own.length;
        await applyLedgerBatch(db, CONSUMER, batch(p, start, own.slice(start, end)));
      }
    }
    expect(await projectionDifferences(db, expected)).toEqual(PROJECTION_EQUALS_FOLD);
    expect(await standingDifferences(db, events)).toEqual(NO_ROW_DIFFERENCE);
    // 960 earned active, +300 activated, -200 returned (150 of it owed), -60 expired, -10 debited.
    const members = await db.selectFrom('member_tiers').select(['member_id', 'qualifying_points', 'tier_id', 'custom_tiers']).orderBy('member_id').execute();
    expect(members.map((m) => [m.qualifying_points, m.tier_id, m.custom_tiers])).toEqual([
      [990, 'bronze', ['vip']],
      [990, 'bronze', ['vip']],
      [990, 'bronze', ['vip']],
    ]);
    const shares = await db.selectFrom('member_balances').select(['currency', 'qualifying', 'expired']).where('member_id', '=', 'm-a').orderBy('currency').execute();
    expect(shares).toEqual([
      { currency: 'permanent', qualifying: 990, expired: 0 },
      { currency: 'temporary', qualifying: 0, expired: 60 },
    ]);
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

/**
 * One member's life through the rules service's events: pending and active earnings, a return
 * cancelling pending points before their activation, a spend, an activation, a return of active
 * points with debt, an expiry, tier changes and custom tiers, and a resend.
 */
function lifecycle(memberId: string): LedgerEvent[] {
  const id = (name: string) => `${memberId}-${name}`;
  const pending = pointsEarnedFixture({ points: 400, pending: true, bucketId: id('w'), transactionId: id('tx-w'), metadata: { eventId: id('earn-w'), memberId } });
  const active = pointsEarnedFixture({ points: 900, pending: false, bucketId: id('p'), transactionId: id('tx-p'), metadata: { eventId: id('earn-p'), memberId } });
  const temporary = { ...active, data: { ...active.data, bucketId: id('t'), points: 60, currency: 'temporary', expiresAt: at(20), source: { ...active.data.source, sourceId: id('act-t'), kind: 'ACTIVITY' as const } } };
  return [
    pending,
    { ...temporary, metadata: { ...temporary.metadata, eventId: id('earn-t') } },
    { type: 'PointsReversed', data: { returnId: id('ret-1'), transactionId: id('tx-w'), points: 100, buckets: [{ bucketId: id('w'), points: 100 }], writtenOff: 0, debt: 0, lines: [] }, metadata: meta(id('rev-1'), memberId, 3) },
    active,
    { type: 'PointsSpent', data: { redemptionId: id('red'), points: 850, reward: null, buckets: [{ bucketId: id('p'), points: 850 }] }, metadata: meta(id('spend'), memberId, 4) },
    activated(id('act'), memberId, id('w'), 300),
    tierChanged(id('tier-1'), memberId, 'bronze', 'silver'),
    { type: 'CustomTierAssigned', data: { tier: 'vip' }, metadata: meta(id('vip'), memberId, 8) },
    { type: 'PointsReversed', data: { returnId: id('ret-2'), transactionId: id('tx-p'), points: 200, buckets: [{ bucketId: id('p'), points: 50 }], writtenOff: 0, debt: 150, lines: [] }, metadata: meta(id('rev-2'), memberId, 9) },
    expired(id('exp'), memberId, id('t'), 60, 'temporary'),
    { type: 'PointsAdjusted', data: { adjustmentId: id('adj'), points: 10, reason: 'correction', actor: 'ops', buckets: [{ bucketId: id('w'), points: 10 }] }, metadata: meta(id('adj'), memberId, 21) },
    tierChanged(id('tier-2'), memberId, 'silver', 'bronze', 22),
    activated(id('act'), memberId, id('w'), 300),
  ];
}
