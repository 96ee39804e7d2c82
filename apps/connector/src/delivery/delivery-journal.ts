import { type ConnectorDatabase, type DeliveryStatus } from '@loyalty/db';
import { type Kysely, sql } from 'kysely';
import { Coalescer } from './coalescer';
import { type DeadLetter } from './dead-letter';

export interface JournalEntry {
  readonly eventId: string;
  readonly tenantId: string;
  readonly memberId: string;
  readonly eventType: string;
  readonly occurredAt: string;
  readonly partition: number;
  readonly offset: string;
  readonly deliveryId: string;
}

/**
 * The delivery journal of one destination: the truth of what was delivered, so nothing is sent
 * twice, whatever Kafka redelivers. Rows go `sending` (a request may be at the vendor) →
 * `delivered` | `dead`, or `retrying` when the vendor answered "not now" (nothing was kept there).
 */
export class DeliveryJournal {
  private readonly sendingWrites: Coalescer<JournalEntry>;
  private readonly deliveredWrites: Coalescer<{ eventId: string; attempts: number }>;

  constructor(
    private readonly db: Kysely<ConnectorDatabase>,
    readonly destination: string,
  ) {
    this.sendingWrites = new Coalescer((entries) => this.writeSending(entries));
    this.deliveredWrites = new Coalescer((rows) => this.writeDelivered(rows));
  }

  /** The journal's rows among these events: status and delivery id. */
  async known(eventIds: readonly string[]): Promise<Map<string, { status: DeliveryStatus; deliveryId: string; attempts: number }>> {
    if (eventIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('connector_deliveries')
      .select(['event_id', 'status', 'delivery_id', 'attempts'])
      .where('destination', '=', this.destination)
      .where('event_id', 'in', eventIds)
      .execute();
    return new Map(rows.map((r) => [r.event_id, { status: r.status, deliveryId: r.delivery_id, attempts: r.attempts }]));
  }

  /** Before an attempt: these events may be at the vendor from now on. */
  sending(entries: readonly JournalEntry[]): Promise<void> {
    return this.sendingWrites.add(entries);
  }

  private async writeSending(all: readonly JournalEntry[]): Promise<void> {
    // One row per event: Postgres refuses an upsert that touches a row twice. Arrays, not one
    // parameter per value: a coalesced write can carry thousands of events, and the wire protocol
    // allows 65,535 parameters per statement.
    const entries = [...new Map(all.map((e) => [e.eventId, e])).values()];
    await sql`
      insert into connector_deliveries (destination, event_id, tenant_id, member_id, event_type, occurred_at, partition, "offset", status, delivery_id, attempts)
      select ${this.destination}, u.event_id, u.tenant_id, u.member_id, u.event_type, u.occurred_at, u.partition, u.offset, 'sending', u.delivery_id, 0
      from unnest(${entries.map((e) => e.eventId)}::text[], ${entries.map((e) => e.tenantId)}::text[], ${entries.map((e) => e.memberId)}::text[],
        ${entries.map((e) => e.eventType)}::text[], ${entries.map((e) => e.occurredAt)}::text[], ${entries.map((e) => e.partition)}::int[],
        ${entries.map((e) => e.offset)}::bigint[], ${entries.map((e) => e.deliveryId)}::text[])
        as u(event_id, tenant_id, member_id, event_type, occurred_at, partition, "offset", delivery_id)
      on conflict (destination, event_id) do update set status = 'sending', updated_at = now()
      where connector_deliveries.status in ('sending', 'retrying')`.execute(this.db);
  }

  async retrying(eventIds: readonly string[], reason: string): Promise<void> {
    await this.setStatus(eventIds, 'retrying', reason);
  }

  delivered(eventIds: readonly string[], attempts: number): Promise<void> {
    return this.deliveredWrites.add(eventIds.map((eventId) => ({ eventId, attempts })));
  }

  private async writeDelivered(all: readonly { eventId: string; attempts: number }[]): Promise<void> {
    const rows = [...new Map(all.map((r) => [r.eventId, r])).values()];
    await sql`
      update connector_deliveries d set status = 'delivered', reason = null, attempts = u.attempts, updated_at = now()
      from unnest(${rows.map((r) => r.eventId)}::text[], ${rows.map((r) => r.attempts)}::int[]) as u(event_id, attempts)
      where d.destination = ${this.destination} and d.event_id = u.event_id`.execute(this.db);
  }

  async dead(letters: readonly DeadLetter[]): Promise<void> {
    for (const letter of letters) {
      await this.db
        .updateTable('connector_deliveries')
        .set({ status: 'dead', reason: letter.reason, attempts: letter.attempts, dead_letter: JSON.stringify(letter), updated_at: sql`now()` })
        .where('destination', '=', this.destination)
        .where('event_id', '=', letter.eventId)
        .execute();
    }
  }

  /** A dead event with no row yet (refused before any request, e.g. no hard id): recorded dead at once. */
  async deadBeforeSending(entry: JournalEntry, letter: DeadLetter): Promise<void> {
    await this.sending([entry]);
    await this.dead([letter]);
  }

  /** Forgets rows of events not delivered, so the next pass over them sends them afresh. */
  async forget(eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.db.deleteFrom('connector_deliveries').where('destination', '=', this.destination).where('event_id', 'in', eventIds).where('status', '<>', 'delivered').execute();
  }

  private async setStatus(eventIds: readonly string[], status: DeliveryStatus, reason: string | null): Promise<void> {
    if (eventIds.length === 0) return;
    await this.db
      .updateTable('connector_deliveries')
      .set({ status, reason, updated_at: sql`now()` })
      .where('destination', '=', this.destination)
      .where('event_id', 'in', eventIds)
      .execute();
  }
}
