import { type DatabaseConfig, type KafkaConfig } from '@loyalty/config';
import { type RulesDatabase, createPool } from '@loyalty/db';
import { KafkaEventPublisher, createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import { loadProgramCatalog } from '@loyalty/programs';
import {
  createMigratedTestDatabase,
  databaseEnv,
  dropTestDatabase,
  eventually,
  freePort,
  generateLedgerStream,
  kafkaEnv,
  provisionTestKafka,
  startService,
  uniqueTestId,
  writeTestPrograms,
} from '@loyalty/testing';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { rebuildRulesState } from './rules-rebuild';

/**
 * The rules state can be rebuilt from the log: the real rules service consumes a realistic stream
 * (and appends its tier changes to it); a rebuild from offset zero, deciding nothing, then reaches
 * exactly the same members and buckets.
 */
describe('rules state rebuild', () => {
  let kafka: KafkaConfig;
  let database: DatabaseConfig;
  let db: Kysely<RulesDatabase>;
  const group = uniqueTestId('rules');
  const programsDir = writeTestPrograms({ acme: { pendingDays: 14 } });

  beforeAll(async () => {
    kafka = await provisionTestKafka('rrb');
    database = await createMigratedTestDatabase();
    db = new Kysely<RulesDatabase>({ dialect: new PostgresDialect({ pool: createPool({ ...database, poolSize: 3 }, 'rules-rebuild-spec') }) });
  });

  afterAll(async () => {
    await db?.destroy();
    if (database !== undefined) await dropTestDatabase(database);
  });

  const snapshot = async () => ({
    members: (await sql<Record<string, unknown>>`select * from rules_members order by tenant_id, member_id`.execute(db)).rows,
    buckets: (await sql<Record<string, unknown>>`select * from rules_buckets order by tenant_id, bucket_id`.execute(db)).rows,
  });

  it('folds the whole log again and reaches the state the live service left, and refuses while the service consumes', async () => {
    const topology = ledgerTopology(kafka);
    const publisher = new KafkaEventPublisher(createKafkaClient(kafka, 'rules-rebuild-spec'), topology.codec, { topic: topology.topic, timeoutMs: 60_000 });
    const stream = generateLedgerStream({ seed: 7, events: 20_000, tenants: [{ tenantId: 'acme', members: 400 }] });
    for (let i = 0; i < stream.length; i += 1_000) await publisher.publish(stream.slice(i, i + 1_000));
    await publisher.close();

    const port = await freePort();
    const rules = await startService('rules', { ...kafkaEnv(kafka), ...databaseEnv(database), PROGRAMS_DIR: programsDir, RULES_PORT: String(port), RULES_GROUP: group, RULES_TICK_MS: '60000' }, port);
    const admin = createKafkaClient(kafka, 'rules-rebuild-spec-admin').admin();
    await admin.connect();
    try {
      // Settled: everything on the topic (its own tier changes included) folded, nothing left to publish.
      await eventually(
        async () => {
          const ends = await admin.fetchTopicOffsets(topology.topic);
          const stored = await sql<{ partition: number; next_offset: number }>`select partition, next_offset from rules_offsets where consumer = ${group}`.execute(db);
          const at = new Map(stored.rows.map((r) => [r.partition, Number(r.next_offset)]));
          const outbox = await sql<{ n: number }>`select count(*)::int as n from rules_outbox`.execute(db);
          return ends.every((e) => Number(e.high) === 0 || at.get(e.partition) === Number(e.high)) && outbox.rows[0]?.n === 0 ? true : undefined;
        },
        'the rules service to fold the stream',
        120_000,
      );
      const programs = loadProgramCatalog(programsDir);
      const deps = { db, kafka: createKafkaClient(kafka, 'rules-rebuild-spec'), topology, programs, liveGroup: group };
      expect(await rebuildRulesState(deps)).toMatchObject({ kind: 'service-running' });

      const live = await snapshot();
      expect(live.members.length).toBe(400);
      expect(live.members.filter((m) => m['tier'] === 'gold').length).toBeGreaterThan(0);
      expect(live.buckets.filter((b) => b['pending'] === true).length).toBeGreaterThan(0);
      await rules.stop();
      await eventually(async () => ((await admin.describeGroups([group])).groups[0]?.members.length === 0 ? true : undefined), 'the group to empty', 60_000);

      const outcome = await rebuildRulesState(deps);
      expect(outcome).toMatchObject({ kind: 'rebuilt', members: 400 });
      expect(await snapshot()).toEqual(live);
    } finally {
      await rules.stop();
      await admin.disconnect();
    }
  }, 240_000);
});
