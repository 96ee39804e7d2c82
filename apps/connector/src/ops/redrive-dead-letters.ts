import { type ConnectorDatabase } from '@loyalty/db';
import { type Kysely } from 'kysely';
import { type DeliveryDeps, type PendingEvent, deliverEvents } from '../delivery/deliver-events';
import { loadContacts, memberKey } from '../feed/member-snapshots.store';
import { type DeadLetter } from '../delivery/dead-letter';

export interface RedriveResult {
  readonly redriven: number;
  readonly delivered: number;
  readonly deadAgain: number;
}

/**
 * Sends dead letters again (all of a destination's, or the named events), in the order they were
 * first read, through the same delivery as live events: a letter the vendor refuses again is
 * dead again, with the new reason. The journal row is forgotten first, so the event counts as new.
 */
export async function redriveDeadLetters(db: Kysely<ConnectorDatabase>, deps: DeliveryDeps, eventIds: readonly string[] | 'all'): Promise<RedriveResult> {
  let query = db
    .selectFrom('connector_deliveries')
    .select(['event_id', 'dead_letter', 'partition', 'offset'])
    .where('destination', '=', deps.config.name)
    .where('status', '=', 'dead')
    .orderBy('partition')
    .orderBy('offset');
  if (eventIds !== 'all') query = query.where('event_id', 'in', eventIds.length > 0 ? [...eventIds] : ['']);
  const rows = await query.execute();
  const letters = rows.map((r) => ({ letter: r.dead_letter as DeadLetter, partition: r.partition, offset: String(r.offset) }));
  if (letters.length === 0) return { redriven: 0, delivered: 0, deadAgain: 0 };
  const contacts = await loadContacts(
    db,
    letters.map(({ letter }) => ({ tenantId: letter.tenantId, memberId: letter.memberId })),
  );
  const pending: PendingEvent[] = letters.map(({ letter, partition, offset }) => ({
    event: letter.event,
    partition,
    offset,
    contact: contacts.get(memberKey(letter.tenantId, letter.memberId)) ?? { email: null, phone: null, loyaltyCardNumber: null },
  }));
  const ids = pending.map((p) => p.event.eventId);
  await db.deleteFrom('connector_deliveries').where('destination', '=', deps.config.name).where('event_id', 'in', ids).where('status', '=', 'dead').execute();
  await deliverEvents(deps, pending);
  const after = await deps.journal.known(ids);
  const delivered = ids.filter((id) => after.get(id)?.status === 'delivered').length;
  return { redriven: ids.length, delivered, deadAgain: ids.filter((id) => after.get(id)?.status === 'dead').length };
}
