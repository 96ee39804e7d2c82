import { type Kysely, sql } from 'kysely';
import { type RulesDatabase } from '@loyalty/db';
import { type LedgerEvent, type RulesCommand } from '@loyalty/domain';
import { type EventPublisher } from '@loyalty/kafka';
import { type RulesCommandPublisher } from './rules-command.publisher';

/** Rows published per round: one Kafka request per run of consecutive events or commands. */
const ROUND = 1_000;
/** Any number; the same for every instance, so only one relay publishes at a time (order is global). */
const RELAY_LOCK = 0x72756c65;

/**
 * Publishes the outbox in sequence order and deletes what Kafka acknowledged. A crash between the
 * send and the delete publishes the rows again: same event ids and command ids, which consumers
 * (and ingestion) deduplicate, so the effect is exactly once.
 */
export class OutboxRelay {
  constructor(
    private readonly db: Kysely<RulesDatabase>,
    private readonly events: EventPublisher,
    private readonly commands: RulesCommandPublisher,
    private readonly onPublished: (items: readonly { kind: 'event' | 'command'; type: string }[]) => void = () => undefined,
  ) {}

  /** Publishes one round; returns how many rows went out (0: empty, or another instance is at it). */
  async publishRound(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const locked = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${RELAY_LOCK}) as ok`.execute(trx);
      if (locked.rows[0]?.ok !== true) return 0;
      const rows = await sql<{ seq: string; kind: 'event' | 'command'; payload: unknown }>`
        select seq, kind, payload from rules_outbox order by seq limit ${ROUND}`.execute(trx);
      if (rows.rows.length === 0) return 0;
      // Consecutive rows of one kind go in one request; kinds alternate in decision order.
      let run: typeof rows.rows = [];
      const flush = async () => {
        if (run.length === 0) return;
        if (run[0]?.kind === 'event') await this.events.publish(run.map((r) => r.payload as LedgerEvent));
        else await this.commands.publish(run.map((r) => r.payload as RulesCommand));
        run = [];
      };
      for (const row of rows.rows) {
        if (run.length > 0 && run[0]?.kind !== row.kind) await flush();
        run.push(row);
      }
      await flush();
      // Exactly the rows published, not every seq up to the last: sequence numbers are taken before
      // commit, so a decision with a lower seq may commit after the select above, and a range
      // delete would drop it unpublished (a lost TierChanged, found by rules-crash-recovery.e2e).
      await sql`delete from rules_outbox where seq = any(${rows.rows.map((r) => r.seq)}::bigint[])`.execute(trx);
      this.onPublished(rows.rows.map((r) => ({ kind: r.kind, type: (r.payload as { type: string }).type })));
      return rows.rows.length;
    });
  }

  /** Publishes until the outbox is empty (or another instance holds it). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishRound();
      total += published;
      if (published < ROUND) return total;
    }
  }
}
