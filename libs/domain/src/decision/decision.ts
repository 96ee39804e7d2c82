import { type EventMetadata } from '../events/generated/ledger-event.types';
import { type LedgerEvent, SCHEMA_VERSION } from '../events/ledger-event';

/**
 * What a decider needs from outside, so the same input always decides the same events: the time,
 * the correlation, and a deterministic id function (name-based ids from the storefront's own ids).
 */
export interface DecisionContext {
  readonly now: string;
  readonly correlationId: string;
  readonly idFor: (...parts: readonly string[]) => string;
}

/** A business rejection is a value with a stable code, never a throw. */
export interface Rejection {
  readonly kind: 'rejected';
  readonly code: string;
  readonly message: string;
  /** 404: unknown reference; 409: conflicts with state; 422: breaks a rule. */
  readonly status: 404 | 409 | 422;
}

export type Decision = { readonly kind: 'accepted'; readonly events: readonly LedgerEvent[] } | Rejection;

export function reject(code: string, message: string, status: Rejection['status'] = 422): Rejection {
  return { kind: 'rejected', code, message, status };
}

/** The envelope of an event decided for a member. */
export function metadataFor(
  context: DecisionContext,
  target: { readonly tenantId: string; readonly memberId: string; readonly occurredAt: string },
  eventId: string,
  programVersion: string | null,
  causationId: string | null = null,
): EventMetadata {
  return {
    eventId,
    tenantId: target.tenantId,
    memberId: target.memberId,
    occurredAt: target.occurredAt,
    recordedAt: context.now,
    correlationId: context.correlationId,
    causationId,
    schemaVersion: SCHEMA_VERSION,
    programVersion,
  };
}
