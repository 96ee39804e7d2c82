import { type DatabaseConfig, type KafkaConfig } from '@loyalty/config';
import { createDatabase, type Database } from '@loyalty/db';
import { type LedgerBalances, type LedgerEvent, foldLedgerBalances } from '@loyalty/domain';
import { KafkaEventPublisher, createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import {
  type CrashableService,
  createMigratedTestDatabase,
  databaseEnv,
  dropTestDatabase,
  eventually,
  evictConsumerGroupMembers,
  freePort,
  generateLedgerStream,
  kafkaEnv,
  provisionTestKafka,
  seededRandom,
  startCrashableService,
  uniqueTestId,
  writeTestCredentials,
} from '@loyalty/testing';
import { type Kysely, sql } from 'kysely';
import { isDeepStrictEqual } from 'node:util';

/**
 * The product's crash-recovery requirement: 10 times during a 100k-event stream, kill -9 the
 * projector at a random point; the final balances equal a pure fold of the same events.
 *
 * The stream is realistic and seeded (see generateLedgerStream): two tenants sharing member, event
 * and bucket ids, a few thousand members, pending and active earnings, spends naming buckets,
 * cancellations, returns with debt, debits, and resends of earlier events. It is produced in
 * chunks while the projector (the real process, on this spec's topics and database) consumes it;
 * the producer stays at most BACKLOG events ahead, so every kill lands mid-stream, with events
 * waiting and more still to be produced. Kill points are seeded positions in the stream (events applied); the process gets
 * SIGKILL once the projector's stored offsets pass one, and a new process starts at once.
 */
const SEED = 20_261_122;
const EVENTS = 100_000;
const KILLS = 10;
const SEND_SIZE = 500;
const BACKLOG = 5_000;
const TENANTS = [
  { tenantId: 'acme', members: 3_000 },
  { tenantId: 'globex', members: 1_000 },
];

describe('the ledger projector survives kill -9 mid-stream', () => {
  let kafka: KafkaConfig;
  let database: DatabaseConfig;
  let db: Kysely<Database>;
  let env: Record<string, string>;
  let port: number;
  let projector: CrashableService | undefined;
  const group = uniqueTestId('crash');

  beforeAll(async () => {
    kafka = await provisionTestKafka('crash');
    database = await createMigratedTestDatabase();
    db = createDatabase({ ...database, poolSize: 3 }, 'crash-recovery-spec');
    port = await freePort();
    env = { ...kafkaEnv(kafka), ...databaseEnv(database), ...writeTestCredentials(['acme', 'globex']).env, LEDGER_QUERY_PORT: String(port), LEDGER_PROJECTOR_GROUP: group };
  });

  afterAll(async () => {
    await projector?.stop();
    await db?.destroy();
    if (database !== undefined) await dropTestDatabase(database);
  });

  /** Events applied so far: the sum of the stored next offsets (offsets start at 0 in every partition). */
  const applied = async (): Promise<number> => {
    const { rows } = await sql<{ n: number }>`select coalesce(sum(next_offset), 0)::bigint as n from consumer_offsets where consumer = ${group}`.execute(db);
    return rows[0]?.n ?? 0;
  };
  let aborted = false;
  /** Waits until the events applied satisfy `condition`; gives up when the test has failed elsewhere. */
  const until = async (condition: (n: number) => boolean, what: string): Promise<number> => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const n = await applied();
      if (condition(n)) return n;
      if (aborted || Date.now() > deadline) {
        throw new Error(`${aborted ? 'gave up' : 'timed out after 120 s'} waiting for ${what} (at ${n})\nthe projector's output:\n${projector?.output().slice(-5_000) ?? '(not running)'}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it(
    `after ${KILLS} SIGKILLs at seeded points of a ${EVENTS}-event stream, the tables equal the pure fold of the stream`,
    async () => {
      const stream = generateLedgerStream({ seed: SEED, events: EVENTS, tenants: TENANTS });
      const expected = foldLedgerBalances(stream);
      // The stream exercises what it should: resends, both tenants, pending and active points, debt.
      expect(new Set(stream.map((e: LedgerEvent) => `${e.metadata.tenantId}|${e.metadata.eventId}`)).size).toBeLessThan(EVENTS);
      expect(new Set(expected.balances.map((b) => b.tenantId))).toEqual(new Set(['acme', 'globex']));
      expect(expected.balances.some((b) => b.pending > 0)).toBe(true);
      expect(expected.balances.some((b) => b.active > 0)).toBe(true);
      expect(expected.debts.length).toBeGreaterThan(0);

      // Kill points: increasing, seeded, spread over the stream, the last before 90% of it.
      const random = seededRandom(SEED + 1);
      const gaps = Array.from({ length: KILLS }, () => 0.5 + random());
      const scale = (0.9 * EVENTS) / gaps.reduce((s, g) => s + g, 0);
      const targets = gaps.map((_, i) => Math.round(gaps.slice(0, i + 1).reduce((s, g) => s + g, 0) * scale));

      const topology = ledgerTopology(kafka);
      const publisher = new KafkaEventPublisher(createKafkaClient(kafka, 'crash-spec-producer'), topology.codec, { topic: topology.topic, timeoutMs: 60_000 });
      // In small sends, never more than BACKLOG events ahead of the projector: it works all the
      // time, in small transactions, and the stream is still being produced at every kill.
      let produced = 0;
      const produce = async () => {
        for (; produced < stream.length; produced += SEND_SIZE) {
          await until((n) => n >= produced + SEND_SIZE - BACKLOG, `the projector to get within ${BACKLOG} events of ${produced + SEND_SIZE}`);
          await publisher.publish(stream.slice(produced, produced + SEND_SIZE)); // idempotent producer, acks=all
        }
      };

      const kills: { target: number; seen: number; stored: number; produced: number }[] = [];
      let producing: Promise<void> | undefined;
      const start = async () => {
        projector = await startCrashableService('ledger-projector', env, port);
      };
      try {
        await start();
        producing = produce();
        producing.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
        for (const target of targets) {
          const floor = await applied();
          // Past the kill point, and past at least one batch of this process's own.
          const seen = await until((n) => n >= target && n > floor, `the projector to pass event ${target}`);
          await projector!.crash();
          kills.push({ target, seen, stored: await applied(), produced });
          // The dead member would hold the group until its session times out (30 s); the
          // coordinator is told now instead. Recovery itself is the projector's own.
          await evictConsumerGroupMembers(kafka, group);
          await start();
        }
        await producing;
      } finally {
        aborted = true;
        await producing?.catch(() => undefined);
        await publisher.close();
      }

      // Caught up: the stored offsets reach the end of every partition.
      const admin = createKafkaClient(kafka, 'crash-spec-admin').admin();
      await admin.connect();
      const ends = await admin.fetchTopicOffsets(topology.topic).finally(() => admin.disconnect());
      expect(ends.reduce((s, p) => s + Number(p.high), 0)).toBe(EVENTS);
      await eventually(
        async () => {
          const stored = await db.selectFrom('consumer_offsets').select(['partition', 'next_offset']).where('consumer', '=', group).where('topic', '=', topology.topic).execute();
          const at = new Map(stored.map((o) => [o.partition, o.next_offset]));
          return ends.every((p) => (at.get(p.partition) ?? 0) >= Number(p.high)) ? true : undefined;
        },
        'the stored offsets to reach the end of the topic',
        120_000,
      );

      process.stderr.write(
        `projector crash recovery, ${kills.length} kills (kill point / applied when killed / stored after the kill / produced): ${kills.map((k) => `${k.target}/${k.seen}/${k.stored}/${k.produced}`).join(', ')}\n`,
      );
      expect(kills).toHaveLength(KILLS);
      // Every kill landed mid-stream: the events applied when the process died were not all of them.
      expect(kills.filter((k) => k.stored >= EVENTS)).toEqual([]);

      const actual = await projected(db);
      expect(difference(actual.balances, expected.balances, (b) => `${b.tenantId}|${b.memberId}|${b.currency}`)).toEqual({ missing: [], unexpected: [], different: [] });
      expect(difference(actual.buckets, expected.buckets, (b) => `${b.tenantId}|${b.bucketId}`)).toEqual({ missing: [], unexpected: [], different: [] });
      expect(difference(actual.debts, expected.debts, (d) => `${d.tenantId}|${d.memberId}`)).toEqual({ missing: [], unexpected: [], different: [] });
      // Exactly one history row per distinct (tenant, event id) that moves points; nothing else.
      expect(difference(actual.entries, expected.pointEvents, (e) => `${e.tenantId}|${e.eventId}`)).toEqual({ missing: [], unexpected: [], different: [] });
      expect(actual.entries).toHaveLength(expected.pointEvents.length);
    },
    // A bound, not a measurement: 11 process starts on a 2-core machine, and 100k events.
    600_000,
  );
});

/** The projector's tables, shaped like the fold. */
async function projected(db: Kysely<Database>): Promise<Omit<LedgerBalances, 'pointEvents'> & { entries: LedgerBalances['pointEvents'] }> {
  const [balances, buckets, debts, entries] = await Promise.all([
    db.selectFrom('member_balances').select(['tenant_id', 'member_id', 'currency', 'active', 'pending']).execute(),
    db.selectFrom('point_buckets').select(['tenant_id', 'bucket_id', 'member_id', 'currency', 'pending', 'amount', 'remaining']).execute(),
    db.selectFrom('member_debts').select(['tenant_id', 'member_id', 'debt']).where('debt', '<>', 0).execute(),
    db.selectFrom('ledger_entries').select(['tenant_id', 'event_id']).execute(),
  ]);
  return {
    balances: balances.map((b) => ({ tenantId: b.tenant_id, memberId: b.member_id, currency: b.currency, active: b.active, pending: b.pending })),
    buckets: buckets.map((b) => ({ tenantId: b.tenant_id, bucketId: b.bucket_id, memberId: b.member_id, currency: b.currency, pending: b.pending, amount: b.amount, remaining: b.remaining })),
    debts: debts.map((d) => ({ tenantId: d.tenant_id, memberId: d.member_id, debt: d.debt })),
    entries: entries.map((e) => ({ tenantId: e.tenant_id, eventId: e.event_id })),
  };
}

/** What differs between two sets of rows, by key (at most 20 of each kind, so a failure stays readable). */
function difference<T>(actual: readonly T[], expected: readonly T[], key: (row: T) => string) {
  const mine = new Map(actual.map((r) => [key(r), r]));
  const theirs = new Map(expected.map((r) => [key(r), r]));
  const missing = [...theirs].filter(([k]) => !mine.has(k)).map(([, r]) => r);
  const unexpected = [...mine].filter(([k]) => !theirs.has(k)).map(([, r]) => r);
  const different = [...theirs]
    .filter(([k, r]) => mine.has(k) && !isDeepStrictEqual(mine.get(k), r))
    .map(([k, r]) => ({ key: k, expected: r, actual: mine.get(k) }));
  return { missing: missing.slice(0, 20), unexpected: unexpected.slice(0, 20), different: different.slice(0, 20) };
}
