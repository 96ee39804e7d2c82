import { type ConnectorDatabase, type DeliveryStatus } from '@loyalty/db';
import { type Kysely, sql } from 'kysely';
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
  constructor(
    private readonly db: Kysely<ConnectorDatabase>,
    readonly destination: string,
  ) {}

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
  async sending(entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db
      .insertInto('connector_deliveries')
      .values(
        entries.map((e) => ({
          destination: this.destination,
          event_id: e.eventId,
          tenant_id: e.tenantId,
          member_id: e.memberId,
          event_type: e.eventType,
          occurred_at: e.occurredAt,
          partition: e.partition,
          offset: e.offset,
          status: 'sending' as const,
          delivery_id: e.deliveryId,
          attempts: 0,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['destination', 'event_id'])
          .doUpdateSet({ status: 'sending', updated_at: sql`now()` })
          .where('connector_deliveries.status', 'in', ['sending', 'retrying']),
      )
      .execute();
  }

  async retrying(eventIds: readonly string[], reason: string): Promise<void> {
    await this.setStatus(eventIds, 'retrying', reason);
  }

  async delivered(eventIds: readonly string[], attempts: number): Promise<void> {
    if (eventIds.length === 0) return;
    await this.db
      .updateTable('connector_deliveries')
      .set({ status: 'delivered', reason: null, attempts, updated_at: sql`now()` })
      .where('destination', '=', this.destination)
      .where('event_id', 'in', eventIds)
      .execute();
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
