import { type DecisionContext, type EventMetadata, type LedgerEventType, metadataFor, toUtcIso } from '@loyalty/domain';

/** What every command of the rules service carries besides its own fields. */
export interface RulesCommandOrigin {
  /** Chosen by the rules service, deterministic: the idempotency key (`rules:<commandId>`). */
  readonly commandId: string;
  readonly tenantId: string;
  readonly memberId: string;
  /** The program version the rules service decided under; recorded on the event. */
  readonly programVersion: string | null;
  /** The event that led the rules service to the command. */
  readonly causationId: string | null;
}

/**
 * The envelope of an event decided on a rules command: its id is derived from the command id, so
 * a command decided twice (a race of two writers) appends the same event; it is correlated by the
 * command id whatever transport carried it.
 */
export function rulesEventMetadata(command: RulesCommandOrigin, type: LedgerEventType, occurredAt: string, context: DecisionContext): EventMetadata {
  const target = { tenantId: command.tenantId, memberId: command.memberId, occurredAt: toUtcIso(occurredAt) };
  const eventId = context.idFor(command.tenantId, 'rules', command.commandId, type);
  return metadataFor({ ...context, correlationId: command.commandId }, target, eventId, command.programVersion, command.causationId);
}
