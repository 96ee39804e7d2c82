import { type ConnectorEvent } from '@loyalty/domain';

/**
 * An event a destination refused for good, with what was sent (credentials are never part of a
 * request's recorded form) and what came back, so an operator can fix and redrive it.
 */
export interface DeadLetter {
  readonly destination: string;
  readonly eventId: string;
  readonly tenantId: string;
  readonly memberId: string;
  readonly eventType: string;
  readonly reason: string;
  readonly request: { readonly method: string; readonly url: string; readonly body: string } | null;
  readonly response: { readonly status: number; readonly body: string } | null;
  readonly attempts: number;
  readonly deadAt: string;
  readonly event: ConnectorEvent;
}

/** The dead-letter topic of one destination. */
export function deadLetterTopic(prefix: string, destination: string): string {
  return `${prefix}loyalty.connector.${destination}.dlq.v1`;
}
