import { type LedgerEvent, type LedgerEventOf, type LedgerEventType, SCHEMA_VERSION } from '../events/ledger-event';
import { type LedgerEventDataByType } from '../events/generated/ledger-event.types';
import { type ProgramConfig } from '../program/program-config';
import { type RulesCommand } from './rules-command';
import { type RulesMember } from './rules-state';

/** What a rules decision produces: events the rules service appends, commands ingestion decides. */
export interface RulesDecision {
  readonly events: readonly LedgerEvent[];
  readonly commands: readonly RulesCommand[];
}

export const NO_DECISION: RulesDecision = { events: [], commands: [] };

/** Time and ids come in from outside, so deciding is pure and a re-run decides the same ids. */
export interface RulesContext {
  /** A deterministic id (UUIDv5) of the given parts. */
  readonly idFor: (...parts: string[]) => string;
  /** When the rules service records the event (wall clock; not part of any decision). */
  readonly recordedAt: string;
  /** The event this decision answers, for correlation. */
  readonly cause: { readonly eventId: string; readonly correlationId: string } | null;
}

export function rulesEvent<T extends LedgerEventType>(
  member: RulesMember,
  type: T,
  data: LedgerEventDataByType[T],
  eventId: string,
  occurredAt: string,
  program: ProgramConfig,
  context: RulesContext,
): LedgerEventOf<T> {
  return {
    type,
    data,
    metadata: {
      eventId,
      tenantId: member.tenantId,
      memberId: member.memberId,
      occurredAt,
      recordedAt: context.recordedAt,
      correlationId: context.cause?.correlationId ?? eventId,
      causationId: context.cause?.eventId ?? null,
      schemaVersion: SCHEMA_VERSION,
      programVersion: program.version,
    },
  } as LedgerEventOf<T>;
}
