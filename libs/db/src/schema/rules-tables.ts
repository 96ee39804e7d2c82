import { type Generated } from 'kysely';

/** The rules service's tables (migration set `rules`): its state, folded from the log alone. */
export interface RulesOffsetsTable {
  consumer: string;
  topic: string;
  partition: number;
  next_offset: number;
}

export interface RulesMembersTable {
  tenant_id: string;
  member_id: string;
  tier: string | null;
  tier_changed_at: string | null;
  qualifying: number;
  custom_tiers: string[];
  last_drop: string | null;
  grace_tier: string | null;
  grace_threshold: number | null;
  grace_until: Date | string | null;
  grace_cause: string | null;
  risk_announced: string | null;
  offer_due_for: string | null;
  awaiting_tier_changes: string[];
}

export interface RulesBucketsTable {
  tenant_id: string;
  bucket_id: string;
  member_id: string;
  currency: string;
  remaining: number;
  pending: boolean;
  active_from: Date | string;
  expires_at: Date | string | null;
  expired: boolean;
  warned: boolean;
}

export interface RulesAppliedEventsTable {
  tenant_id: string;
  event_id: string;
  applied_at: Generated<Date>;
}

export interface RulesOutboxTable {
  seq: Generated<string>;
  kind: 'event' | 'command';
  payload: unknown;
  created_at: Generated<Date>;
}

export interface RulesTenantsTable {
  tenant_id: string;
  last_day_done: string;
  phase: Generated<string>;
  phase_state: Generated<unknown>;
  updated_at: Generated<Date>;
}

export interface RulesDayMembersTable {
  tenant_id: string;
  member_id: string;
}

export interface RulesDatabase {
  rules_day_members: RulesDayMembersTable;
  rules_offsets: RulesOffsetsTable;
  rules_members: RulesMembersTable;
  rules_buckets: RulesBucketsTable;
  rules_applied_events: RulesAppliedEventsTable;
  rules_outbox: RulesOutboxTable;
  rules_tenants: RulesTenantsTable;
}
