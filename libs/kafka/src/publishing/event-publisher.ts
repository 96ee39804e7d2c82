import { type LedgerEvent } from '@loyalty/domain';

/** Where an event landed in the log: what a reader waits for to see its own write. */
export interface LogPosition {
  readonly partition: number;
  /** Kafka offsets are 64-bit: kept as decimal strings, never floats. */
  readonly offset: string;
}

/**
 * Appends events to the ledger durably (acks=all) or throws an InfrastructureError. Events of one
 * member keep their relative order; the positions are returned in the order of the input.
 */
export interface EventPublisher {
  publish(events: readonly LedgerEvent[]): Promise<readonly LogPosition[]>;
}

export const EVENT_PUBLISHER = Symbol('EventPublisher');
