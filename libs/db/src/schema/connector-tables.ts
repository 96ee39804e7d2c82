import { type ColumnType, type Generated } from 'kysely';

/** The connector's tables (migration set `connector`). */
export interface ConnectorOffsetsTable {
  consumer: string;
  topic: string;
  partition: number;
  next_offset: string | number;
}

export interface ConnectorMembersTable {
  tenant_id: string;
  member_id: string;
  /** A `MemberSnapshot` (libs/domain), as JSON. */
  snapshot: unknown;
}

export interface ConnectorContactsTable {
  tenant_id: string;
  member_id: string;
  email: string | null;
  phone: string | null;
  loyalty_card_number: string | null;
}

export type DeliveryStatus = 'sending' | 'retrying' | 'delivered' | 'dead';

export interface ConnectorDeliveriesTable {
  destination: string;
  event_id: string;
  tenant_id: string;
  member_id: string;
  event_type: string;
  occurred_at: string;
  partition: number;
  offset: string | number;
  status: DeliveryStatus;
  delivery_id: string;
  attempts: Generated<number>;
  reason: ColumnType<string | null, string | null | undefined, string | null>;
  dead_letter: ColumnType<unknown, string | null | undefined, string | null>;
  updated_at: ColumnType<Date | string, never, unknown>;
}

export interface ConnectorDatabase {
  connector_offsets: ConnectorOffsetsTable;
  connector_members: ConnectorMembersTable;
  connector_contacts: ConnectorContactsTable;
  connector_deliveries: ConnectorDeliveriesTable;
}
