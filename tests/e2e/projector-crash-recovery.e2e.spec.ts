import { type DatabaseConfig, type KafkaConfig } from '@loyalty/config';
import { createDatabase, type Database } from '@loyalty/db';
import { foldLedgerBalances } from '@loyalty/domain';
import { KafkaEventPublisher, createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import {
  type CrashableService,
  NO_ROW_DIFFERENCE,
  PROJECTION_EQUALS_FOLD,
  PacedStreamProducer,
  StoredOffsets,
  createMigratedTestDatabase,
  databaseEnv,
  dropTestDatabase,
  evictConsumerGroupMembers,
  freePort,
  generateLedgerStream,
  kafkaEnv,
  ledgerStreamCoverage,
  projectionDifferences,
  provisionTestKafka,
  rowDifference,
  seededRandom,
  startCrashableService,
  uniqueTestId,
  writeTestCredentials,
} from '@loyalty/testing';
import { type Kysely } from 'kysely';

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

  it(
    `after ${KILLS} SIGKILLs at seeded points of a ${EVENTS}-event stream, the tables equal the pure fold of the stream`,
    async () => {
      const stream = generateLedgerStream({ seed: SEED, events: EVENTS, tenants: TENANTS });
      const expected = foldLedgerBalances(stream);
      // The stream exercises what it should: resends, both tenants, pending and active points, debt.
      expect(ledgerStreamCoverage(stream, expected)).toEqual({ resends: true, tenants: ['acme', 'globex'], pendingPoints: true, activePoints: true, debts: true });

      // Kill points: increasing, seeded, spread over the stream, the last before 90% of it.
      const random = seededRandom(SEED + 1);
      const gaps = Array.from({ length: KILLS }, () => 0.5 + random());
      const scale = (0.9 * EVENTS) / gaps.reduce((s, g) => s + g, 0);
      const targets = gaps.map((_, i) => Math.round(gaps.slice(0, i + 1).reduce((s, g) => s + g, 0) * scale));

      const topology = ledgerTopology(kafka);
      const publisher = new KafkaEventPublisher(createKafkaClient(kafka, 'crash-spec-producer'), topology.codec, { topic: topology.topic, timeoutMs: 60_000 });
      const offsets = new StoredOffsets(db, group, () => `the projector's output:\n${projector?.output().slice(-5_000) ?? '(not running)'}`);
      // In small sends, never more than BACKLOG events ahead of the projector: it works all the
      // time, in small transactions, and the stream is still being produced at every kill.
      const producer = new PacedStreamProducer((events) => publisher.publish(events), stream, offsets, { sendSize: SEND_SIZE, backlog: BACKLOG }); // idempotent producer, acks=all

      const kills: { target: number; seen: number; stored: number; produced: number }[] = [];
      let producing: Promise<void> | undefined;
      const start = async () => {
        projector = await startCrashableService('ledger-projector', env, port);
      };
      try {
        await start();
        producing = producer.run();
        producing.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
        for (const target of targets) {
          const floor = await offsets.applied();
          // Past the kill point, and past at least one batch of this process's own.
          const seen = await offsets.until((n) => n >= target && n > floor, `the projector to pass event ${target}`);
          await projector!.crash();
          kills.push({ target, seen, stored: await offsets.applied(), produced: producer.produced });
          // The dead member would hold the group until its session times out (30 s); the
          // coordinator is told now instead. Recovery itself is the projector's own.
          await evictConsumerGroupMembers(kafka, group);
          await start();
        }
        await producing;
      } finally {
        offsets.abandon();
        await producing?.catch(() => undefined);
        await publisher.close();
      }

      // Caught up: the stored offsets reach the end of every partition.
      const ends = await offsets.untilEndOf(kafka, topology.topic);
      expect(ends.reduce((s, p) => s + p.end, 0)).toBe(EVENTS);

      process.stderr.write(
        `projector crash recovery, ${kills.length} kills (kill point / applied when killed / stored after the kill / produced): ${kills.map((k) => `${k.target}/${k.seen}/${k.stored}/${k.produced}`).join(', ')}\n`,
      );
      expect(kills).toHaveLength(KILLS);
      // Every kill landed mid-stream: the events applied when the process died were not all of them.
      expect(kills.filter((k) => k.stored >= EVENTS)).toEqual([]);

      // Balances, buckets and debts as the fold has them, and exactly one history row per distinct
      // (tenant, event id) that moves points; nothing else.
      expect(await projectionDifferences(db, expected)).toEqual(PROJECTION_EQUALS_FOLD);
      // And every member's qualifying points and tiers, as the fold counts them.
      const standings = await db.selectFrom('member_tiers').select(['tenant_id', 'member_id', 'qualifying_points', 'tier_id', 'custom_tiers']).execute();
      const actual = standings.map((r) => ({ tenantId: r.tenant_id, memberId: r.member_id, qualifyingPoints: r.qualifying_points, tier: r.tier_id, customTiers: r.custom_tiers as string[] }));
      expect(rowDifference(actual, expected.standings, (r) => `${r.tenantId}|${r.memberId}`)).toEqual(NO_ROW_DIFFERENCE);
    },
    // A bound, not a measurement: 11 process starts on a 2-core machine, and 100k events.
    600_000,
  );
});
