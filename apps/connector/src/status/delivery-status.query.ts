import { type ConnectorDatabase } from '@loyalty/db';
import { type Kysely, sql } from 'kysely';

export interface DestinationCounts {
  readonly destination: string;
  readonly delivered: number;
  readonly dead: number;
  /** Being sent or waiting for a retry. */
  readonly inFlight: number;
  readonly lastDeliveredAt: string | null;
}

export interface MemberDelivery {
  readonly destination: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly occurredAt: string;
  readonly status: string;
  readonly attempts: number;
  readonly reason: string | null;
  readonly updatedAt: string;
}

/** Per destination: what the journal holds for these destinations (one member's, or all). */
export async function countDeliveries(db: Kysely<ConnectorDatabase>, destinations: readonly string[], member?: { tenantId: string; memberId: string }): Promise<DestinationCounts[]> {
  if (destinations.length === 0) return [];
  const memberFilter = member === undefined ? sql`` : sql`and tenant_id = ${member.tenantId} and member_id = ${member.memberId}`;
  const rows = await sql<{ destination: string; delivered: string; dead: string; in_flight: string; last_delivered_at: Date | null }>`
    select destination,
      count(*) filter (where status = 'delivered') as delivered,
      count(*) filter (where status = 'dead') as dead,
      count(*) filter (where status in ('sending', 'retrying')) as in_flight,
      max(updated_at) filter (where status = 'delivered') as last_delivered_at
    from connector_deliveries where destination = any(${[...destinations]}::text[]) ${memberFilter}
    group by destination`.execute(db);
  const byName = new Map(rows.rows.map((r) => [r.destination, r]));
  return destinations.map((destination) => {
    const r = byName.get(destination);
    return {
      destination,
      delivered: Number(r?.delivered ?? 0),
      dead: Number(r?.dead ?? 0),
      inFlight: Number(r?.in_flight ?? 0),
      lastDeliveredAt: r?.last_delivered_at ? new Date(r.last_delivered_at).toISOString() : null,
    };
  });
}

/** A member's latest deliveries to these destinations, newest first. */
export async function memberDeliveries(db: Kysely<ConnectorDatabase>, tenantId: string, memberId: string, destinations: readonly string[], limit: number): Promise<MemberDelivery[]> {
  if (destinations.length === 0) return [];
  const rows = await db
    .selectFrom('connector_deliveries')
    .select(['destination', 'event_id', 'event_type', 'occurred_at', 'status', 'attempts', 'reason', 'updated_at'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('destination', 'in', [...destinations])
    .orderBy('partition')
    .orderBy('offset', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    destination: r.destination,
    eventId: r.event_id,
    eventType: r.event_type,
    occurredAt: r.occurred_at,
    status: r.status,
    attempts: r.attempts,
    reason: r.reason,
    updatedAt: new Date(r.updated_at).toISOString(),
  }));
}
