import { createDatabase, type Database } from '@loyalty/db';
import { RULES_COMMANDS_TOPIC, createKafkaClient, ledgerTopology, prefixed } from '@loyalty/kafka';
import { type Admin } from 'kafkajs';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { type TestSystem } from './test-system';

/** Where a test system's asynchronous work stands: the rules service's days, outbox and offsets, ingestion's and the projector's. */
export interface RulesSnapshot {
  /** Per tenant: the last day the rules service finished, and the phase of the day in progress. */
  readonly tenants: Readonly<Record<string, { readonly lastDayDone: string; readonly phase: string }>>;
  /** Decisions committed and not yet published. */
  readonly outbox: number;
  /** Messages on the ledger (sum of the partitions' ends). */
  readonly ledgerEnd: number;
  /** Ledger messages the rules service has not folded yet. */
  readonly rulesLag: number;
  /** Rules commands ingestion has not consumed yet. */
  readonly commandsLag: number;
  /** Ledger messages the projector has not applied yet. */
  readonly projectorLag: number;
}

type Ends = Map<number, bigint>;

/**
 * The advisory lock under which the rules service's relay publishes (one relay at a time; see
 * apps/rules/src/outbox/outbox-relay.ts, RELAY_LOCK). A spec holding it pauses every relay.
 */
const RULES_RELAY_LOCK = 0x72756c65;

const lagOf = (ends: Ends, at: ReadonlyMap<number, bigint>): number => [...ends].reduce((lag, [p, end]) => lag + Number(end - (at.get(p) ?? 0n)), 0);

/**
 * Watches a test system (ingestion, projector and rules) from outside: the rules service's own
 * tables, the topics' ends and the consumer groups' positions. A spec that moves the clock waits
 * with `untilSettled` until the days are done and every consequence is in the log and consumed, so
 * the next step starts on a quiet system (and two runs of one workload decide alike).
 */
export class RulesProgress {
  private readonly db: Kysely<Database>;
  private readonly admin: Admin;
  private readonly ledgerTopic: string;
  private readonly commandsTopic: string;
  private connected: Promise<void> | undefined;

  constructor(private readonly system: TestSystem) {
    this.db = createDatabase({ ...system.database, poolSize: 2 }, 'rules-progress');
    this.admin = createKafkaClient(system.kafka, 'rules-progress').admin();
    this.ledgerTopic = ledgerTopology(system.kafka).topic;
    this.commandsTopic = prefixed(system.kafka.KAFKA_TOPIC_PREFIX, RULES_COMMANDS_TOPIC);
  }

  async snapshot(): Promise<RulesSnapshot> {
    this.connected ??= this.admin.connect();
    await this.connected;
    const ends = async (topic: string): Promise<Ends> => new Map((await this.admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
    const ledgerEnds = await ends(this.ledgerTopic);
    const commandEnds = await ends(this.commandsTopic);
    const [committed] = await this.admin.fetchOffsets({ groupId: this.system.rulesCommandsGroup, topics: [this.commandsTopic] });
    const commandsAt = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset === '-1' ? '0' : p.offset)]));
    const offsets = async (table: 'rules_offsets' | 'consumer_offsets') => {
      const { rows } = await sql<{ partition: number; next_offset: string }>`select partition, next_offset from ${sql.table(table)} where topic = ${this.ledgerTopic}`.execute(this.db);
      return new Map(rows.map((r) => [r.partition, BigInt(r.next_offset)]));
    };
    const tenants = await sql<{ tenant_id: string; last_day_done: string; phase: string }>`select tenant_id, last_day_done, phase from rules_tenants`.execute(this.db);
    const outbox = await sql<{ n: number }>`select count(*)::int as n from rules_outbox`.execute(this.db);
    return {
      tenants: Object.fromEntries(tenants.rows.map((t) => [t.tenant_id, { lastDayDone: t.last_day_done, phase: t.phase }])),
      outbox: outbox.rows[0]?.n ?? 0,
      ledgerEnd: [...ledgerEnds.values()].reduce((s, e) => s + Number(e), 0),
      rulesLag: lagOf(ledgerEnds, await offsets('rules_offsets')),
      commandsLag: lagOf(commandEnds, commandsAt),
      projectorLag: lagOf(ledgerEnds, await offsets('consumer_offsets')),
    };
  }

  /** The phase of each tenant's day in progress (`idle` between days), and the outbox's size (events among it): cheap, for polling fast. */
  async dayPhases(): Promise<{ phases: string[]; outbox: number; outboxEvents: number }> {
    const { rows } = await sql<{ phase: string; outbox: number; events: number }>`
      select t.phase, o.outbox, o.events from rules_tenants t,
        (select count(*)::int as outbox, (count(*) filter (where kind = 'event'))::int as events from rules_outbox) o
      order by t.tenant_id`.execute(this.db);
    return { phases: rows.map((r) => r.phase), outbox: rows[0]?.outbox ?? 0, outboxEvents: rows[0]?.events ?? 0 };
  }

  /**
   * Catches the relay between publishing and committing: takes the relay's advisory lock (so no
   * relay publishes, as while another instance's relay is at work) until outbox rows of `kind`
   * pile up (at most `waitMs`), locks those rows (`for update`, in a transaction of the spec's
   * own) and lets the relay go. It publishes them, then blocks on deleting them until `release`:
   * a kill meanwhile lands after Kafka acknowledged them and before the relay's commit.
   * `rows` is 0 when none came in time (nothing is held then).
   */
  async holdOutbox(kind: 'event' | 'command', waitMs: number): Promise<{ readonly rows: number; release(): Promise<void> }> {
    const { database } = this.system;
    const client = new pg.Client({ host: database.host, port: database.port, database: database.database, user: database.user, password: database.password, application_name: 'rules-progress-hold' });
    await client.connect();
    await client.query('select pg_advisory_lock($1)', [RULES_RELAY_LOCK]);
    let rows = 0;
    try {
      for (const deadline = Date.now() + waitMs; rows === 0 && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 10))) {
        await client.query('begin');
        rows = (await client.query('select seq from rules_outbox where kind = $1 for update', [kind])).rowCount ?? 0;
        if (rows === 0) await client.query('rollback');
      }
    } finally {
      await client.query('select pg_advisory_unlock($1)', [RULES_RELAY_LOCK]);
    }
    return {
      rows,
      release: async () => {
        if (rows > 0) await client.query('rollback');
        await client.end();
      },
    };
  }

  /** Whether the relay waits to delete rows (those `holdOutbox` holds): it has published them. */
  async relayWaitsToDelete(): Promise<boolean> {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and application_name = 'rules' and wait_event_type = 'Lock' and query ilike '%delete from rules_outbox%'`.execute(this.db);
    return (rows[0]?.n ?? 0) > 0;
  }

  /**
   * Waits until every tenant in `days` has finished that day and is idle, the outbox is empty,
   * ingestion has consumed every command and the rules service every ledger event (and, with
   * `projector`, the projector too), twice in a row with the ledger unchanged in between.
   */
  async untilSettled(days: Readonly<Record<string, string>>, options: { projector?: boolean; timeoutMs?: number } = {}): Promise<RulesSnapshot> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    let previous: RulesSnapshot | undefined;
    let last: RulesSnapshot | undefined;
    let failure: unknown;
    while (Date.now() < deadline) {
      try {
        last = await this.snapshot();
        const quiet =
          Object.entries(days).every(([tenant, day]) => last?.tenants[tenant]?.lastDayDone === day && last.tenants[tenant]?.phase === 'idle') &&
          last.outbox === 0 &&
          last.rulesLag === 0 &&
          last.commandsLag === 0 &&
          (options.projector !== true || last.projectorLag === 0);
        if (quiet && previous?.ledgerEnd === last.ledgerEnd) return last;
        previous = quiet ? last : undefined;
      } catch (error) {
        // The rules tables exist once the first rules process migrated them; Kafka may blip.
        failure = error;
        previous = undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    throw new Error(
      `the system did not settle on ${JSON.stringify(days)}: ${JSON.stringify(last)}${failure === undefined ? '' : ` (last error: ${String(failure)})`}\n` +
        `rules output:\n${this.system.rules?.output().slice(-6_000) ?? '(no rules service)'}`,
    );
  }

  async close(): Promise<void> {
    if (this.connected !== undefined) await this.admin.disconnect();
    await this.db.destroy();
  }
}
