import { type DatabaseConfig, type KafkaConfig } from '@loyalty/config';
import { createDatabase, type Database } from '@loyalty/db';
import { foldLedgerBalances } from '@loyalty/domain';
import { KafkaEventPublisher, createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import {
  type CrashableService,
  type GroupAssignment,
  type LedgerStreamOptions,
  NO_ROW_DIFFERENCE,
  PROJECTION_EQUALS_FOLD,
  PacedStreamProducer,
  StoredOffsets,
  consumerGroupAssignment,
  createMigratedTestDatabase,
  databaseEnv,
  dropTestDatabase,
  eventually,
  freePort,
  generateLedgerStream,
  kafkaEnv,
  ledgerStreamCoverage,
  projectionDifferences,
  provisionTestKafka,
  rowDifference,
  scrapeMetric,
  startCrashableService,
  uniqueTestId,
  writeTestCredentials,
} from '@loyalty/testing';
import { type Kysely } from 'kysely';

/**
 * The product's scaling requirement: two projector instances share the partitions in one consumer
 * group; a rebalance in the middle of a stream loses nothing and duplicates nothing.
 *
 * A seeded stream (see generateLedgerStream: two tenants sharing ids, pending and active earnings,
 * spends, cancellations, returns with debt, debits, resends) is produced in small sends to this
 * spec's topic (3 partitions), never more than PACING.backlog events ahead of what the projector has
 * stored, while real projector processes consume it in one group:
 * 1. instance A alone holds every partition;
 * 2. instance B joins: the stream is held until the coordinator reports the rebalance, then goes on
 *    while it runs (A's batches are in flight while partitions move), and on once both hold some;
 * 3. A is stopped gracefully (SIGTERM) mid-stream, once B has applied events: B takes every partition;
 * 4. A is started again and joins as in 2; the rest of the stream is shared.
 * Holding the stream at each join makes sure the stream is not over before the new member holds
 * partitions, so every instance really applies events (its own /metrics count them). At the end
 * the stored offsets are at the end of every partition and the tables equal the pure fold.
 */
/** Seeded; two tenants sharing member, event and bucket ids. */
const STREAM: LedgerStreamOptions = {
  seed: 20_261_201,
  events: 80_000,
  tenants: [
    { tenantId: 'acme', members: 1_500 },
    { tenantId: 'globex', members: 500 },
  ],
};
const EVENTS = STREAM.events;
/** Sends of `sendSize` events, never more than `backlog` events ahead of the events applied. */
const PACING = { sendSize: 500, backlog: 4_000 };
const PARTITIONS = [0, 1, 2]; // provisionTestKafka's topics
/** Events applied when B is started; the stream is held at HOLD_FOR_B until the rebalance starts. */
const START_B_AT = 0.15 * EVENTS;
const HOLD_FOR_B = 0.3 * EVENTS;
/** Events applied (at least; and B must have applied some) when A is stopped. */
const STOP_A_AT = 0.45 * EVENTS;
/** Events applied when A is started again; the stream is held at HOLD_FOR_A (or further, if A got there while it stopped) until that rebalance starts. */
const RESTART_A_AT = 0.65 * EVENTS;
const HOLD_FOR_A = 0.75 * EVENTS;
const APPLIED = 'loyalty_projector_events_applied_total';

type Instance = 'a' | 'b';

describe('two ledger projector instances share the partitions of one consumer group', () => {
  let kafka: KafkaConfig;
  let database: DatabaseConfig;
  let db: Kysely<Database>;
  let env: Record<string, string>;
  const ports = {} as Record<Instance, number>;
  const running: Partial<Record<Instance, CrashableService>> = {};
  const group = uniqueTestId('rebalance');

  beforeAll(async () => {
    kafka = await provisionTestKafka('rebalance');
    database = await createMigratedTestDatabase();
    db = createDatabase({ ...database, poolSize: 3 }, 'rebalance-spec');
    ports.a = await freePort();
    ports.b = await freePort();
    env = { ...kafkaEnv(kafka), ...databaseEnv(database), ...writeTestCredentials(['acme', 'globex']).env, LEDGER_PROJECTOR_GROUP: group };
  });

  afterAll(async () => {
    await Promise.all(Object.values(running).map((p) => p.stop()));
    await db?.destroy();
    if (database !== undefined) await dropTestDatabase(database);
  });

  /** An instance's process; its client id (`projector-a`, `projector-b`) names it in the group. */
  const start = (instance: Instance): Promise<CrashableService> =>
    startCrashableService('ledger-projector', { ...env, KAFKA_CLIENT_ID: `projector-${instance}`, LEDGER_QUERY_PORT: String(ports[instance]) }, ports[instance]).then((p) => (running[instance] = p));
  const output = () =>
    Object.entries(running)
      .map(([instance, p]) => `instance ${instance}'s output:\n${p.output().slice(-3_000)}`)
      .join('\n');

  it(
    `a ${EVENTS}-event stream through three rebalances (B joins, A leaves, A rejoins) leaves the tables equal to the pure fold`,
    async () => {
      const stream = generateLedgerStream(STREAM);
      const expected = foldLedgerBalances(stream);
      expect(ledgerStreamCoverage(stream, expected)).toEqual({ resends: true, tenants: ['acme', 'globex'], pendingPoints: true, activePoints: true, debts: true });

      const { topic, codec } = ledgerTopology(kafka);
      const publisher = new KafkaEventPublisher(createKafkaClient(kafka, 'rebalance-spec-producer'), codec, { topic, timeoutMs: 60_000 });
      const admin = createKafkaClient(kafka, 'rebalance-spec-admin').admin();
      await admin.connect();
      const offsets = new StoredOffsets(db, group, output);
      const producer = new PacedStreamProducer((events) => publisher.publish(events), stream, offsets, { ...PACING, holdAt: HOLD_FOR_B });

      /** The group's partitions by instance, once the group is stable with exactly these instances. */
      const assignment = async (instances: readonly Instance[], what: string): Promise<Partial<Record<Instance, readonly number[]>>> => {
        const stable = await eventually(
          async () => {
            const g = await consumerGroupAssignment(admin, group, topic);
            return g.state === 'Stable' && g.members.map((m) => instanceOf(m.clientId)).join() === instances.join() ? g : undefined;
          },
          what,
          60_000,
        );
        return Object.fromEntries(stable.members.map((m) => [instanceOf(m.clientId), m.partitions]));
      };
      /** Starts an instance that joins the group; releases the stream up to `release` as soon as the coordinator reports the rebalance. */
      const join = async (instance: Instance, release: number): Promise<{ applied: number; produced: number }> => {
        const before = await consumerGroupAssignment(admin, group, topic);
        const starting = start(instance);
        const rebalancing = eventually(async () => rebalanceBegun(before, await consumerGroupAssignment(admin, group, topic)), `instance ${instance} to join the group`, 60_000);
        // Whichever fails first fails the test; the other must not go unhandled.
        starting.catch(() => undefined);
        rebalancing.catch(() => undefined);
        await Promise.race([rebalancing, starting.then(() => rebalancing)]);
        const at = { applied: await offsets.applied(), produced: producer.produced };
        producer.release(release);
        await starting;
        return at;
      };
      const appliedBy = async (instance: Instance): Promise<number> => (await scrapeMetric(running[instance]!.baseUrl, APPLIED, { topic })) ?? 0;

      const phases: string[] = [];
      let producing: Promise<void> | undefined;
      try {
        // 1. A alone.
        await start('a');
        expect(await assignment(['a'], 'instance a to hold the partitions')).toEqual({ a: PARTITIONS });
        producing = producer.run();
        producing.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile

        // 2. B joins mid-stream.
        await offsets.until((n) => n >= START_B_AT, `the projector to pass event ${START_B_AT}`);
        const bJoined = await join('b', HOLD_FOR_B + PACING.backlog);
        const shared = await assignment(['a', 'b'], 'a and b to share the partitions');
        phases.push(`B joined: rebalance seen at ${bJoined.applied} applied / ${bJoined.produced} produced, stable at ${await offsets.applied()} applied: ${JSON.stringify(shared)}`);
        producer.release(HOLD_FOR_A);
        expectShared(shared);

        // 3. A leaves mid-stream, gracefully, once B has applied events of its own.
        await offsets.until((n) => n >= STOP_A_AT, `the projector to pass event ${STOP_A_AT}`);
        await eventually(async () => ((await appliedBy('b')) > 0 ? true : undefined), 'instance b to apply events', 60_000);
        const appliedByFirstA = await appliedBy('a'); // the last scrape: this process's count so far
        expect(appliedByFirstA).toBeGreaterThan(0);
        await running.a!.stop();
        expect(running.a!.exit()?.signal).toBe('SIGTERM'); // shut down by its own hooks, not killed after 10 s
        const aLeft = await offsets.applied();
        delete running.a;
        expect(aLeft).toBeLessThan(EVENTS);
        expect(await assignment(['b'], 'instance b to take every partition')).toEqual({ b: PARTITIONS });
        phases.push(`A stopped at ${aLeft} applied / ${producer.produced} produced, having applied ${appliedByFirstA}`);

        // 4. A joins again mid-stream, once B alone has applied events (past where A left, however
        // far A got while it stopped).
        const holdForA = Math.max(HOLD_FOR_A, aLeft + PACING.backlog);
        producer.release(holdForA);
        const restartAt = Math.max(RESTART_A_AT, aLeft + PACING.sendSize);
        await offsets.until((n) => n >= restartAt, `instance b alone to pass event ${restartAt}`);
        const aRejoined = await join('a', holdForA + PACING.backlog);
        const sharedAgain = await assignment(['a', 'b'], 'a and b to share the partitions again');
        phases.push(`A rejoined: rebalance seen at ${aRejoined.applied} applied / ${aRejoined.produced} produced, stable at ${await offsets.applied()} applied: ${JSON.stringify(sharedAgain)}`);
        producer.release();
        expectShared(sharedAgain);
        await producing;
      } finally {
        offsets.abandon();
        await producing?.catch(() => undefined);
        await publisher.close();
        await admin.disconnect();
      }

      // Caught up: the stored offsets reach the end of every partition.
      const ends = await offsets.untilEndOf(kafka, topic);
      expect(ends.reduce((s, p) => s + p.end, 0)).toBe(EVENTS);
      const [appliedBySecondA, appliedByB] = [await appliedBy('a'), await appliedBy('b')];
      process.stderr.write(`projector rebalance: ${phases.join('; ')}; at the end A (again) had applied ${appliedBySecondA}, B ${appliedByB}\n`);
      // Every process applied events: the partitions were really shared, before and after each rebalance.
      expect(appliedBySecondA).toBeGreaterThan(0);
      expect(appliedByB).toBeGreaterThan(0);

      // Nothing lost, nothing twice: balances, buckets and debts as the fold has them, and exactly
      // one history row per distinct (tenant, event id) that moves points.
      expect(await projectionDifferences(db, expected)).toEqual(PROJECTION_EQUALS_FOLD);
      // And every member's qualifying points and tiers, as the fold counts them.
      const standings = await db.selectFrom('member_tiers').select(['tenant_id', 'member_id', 'qualifying_points', 'tier_id', 'custom_tiers']).execute();
      const actual = standings.map((r) => ({ tenantId: r.tenant_id, memberId: r.member_id, qualifyingPoints: r.qualifying_points, tier: r.tier_id, customTiers: r.custom_tiers as string[] }));
      expect(rowDifference(actual, expected.standings, (r) => `${r.tenantId}|${r.memberId}`)).toEqual(NO_ROW_DIFFERENCE);
    },
    // A bound, not a measurement: three process starts on a 2-core machine, and 80k events.
    300_000,
  );
});

/** `projector-a-ledger-projector` → `a`. */
function instanceOf(clientId: string): string {
  return /^projector-(\w+)-/.exec(clientId)?.[1] ?? clientId;
}

/** Whether the group has left the state `before` described: a rebalance runs, or ran, since. */
function rebalanceBegun(before: GroupAssignment, now: GroupAssignment): true | undefined {
  const members = (g: GroupAssignment) => g.members.map((m) => m.memberId).join();
  return now.state !== 'Stable' || members(now) !== members(before) ? true : undefined;
}

/** Both instances hold partitions, and every partition is held exactly once. */
function expectShared(assignment: Partial<Record<Instance, readonly number[]>>): void {
  expect(assignment.a?.length).toBeGreaterThan(0);
  expect(assignment.b?.length).toBeGreaterThan(0);
  expect([...(assignment.a ?? []), ...(assignment.b ?? [])].sort()).toEqual(PARTITIONS);
}
