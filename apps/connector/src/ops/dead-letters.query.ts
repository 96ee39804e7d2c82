import { type ConnectorDatabase } from '@loyalty/db';
import { type Kysely } from 'kysely';
import { type DeadLetter } from '../delivery/dead-letter';

export interface DeadLetterSummary {
  readonly eventId: string;
  readonly tenantId: string;
  readonly memberId: string;
  readonly eventType: string;
  readonly reason: string | null;
  readonly attempts: number;
  readonly deadAt: string;
}

/** A destination's dead letters, newest first. */
export async function listDeadLetters(db: Kysely<ConnectorDatabase>, destination: string, limit: number): Promise<DeadLetterSummary[]> {
  const rows = await db
    .selectFrom('connector_deliveries')
    .select(['event_id', 'tenant_id', 'member_id', 'event_type', 'reason', 'attempts', 'updated_at'])
    .where('destination', '=', destination)
    .where('status', '=', 'dead')
    .orderBy('updated_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ eventId: r.event_id, tenantId: r.tenant_id, memberId: r.member_id, eventType: r.event_type, reason: r.reason, attempts: r.attempts, deadAt: new Date(r.updated_at).toISOString() }));
}

/** One dead letter in full (request, response, reason, event), or undefined. */
export async function showDeadLetter(db: Kysely<ConnectorDatabase>, destination: string, eventId: string): Promise<DeadLetter | undefined> {
  const row = await db
    .selectFrom('connector_deliveries')
    .select(['dead_letter'])
    .where('destination', '=', destination)
    .where('event_id', '=', eventId)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return row?.dead_letter === undefined || row.dead_letter === null ? undefined : (row.dead_letter as DeadLetter);
}
