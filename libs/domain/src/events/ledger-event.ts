import { type EventMetadata, type LedgerEventDataByType } from './generated/ledger-event.types';

export type LedgerEventType = keyof LedgerEventDataByType;

/** One ledger event as plain readonly data: `type` discriminates, `data` is the payload. */
export type LedgerEventOf<T extends LedgerEventType> = {
  readonly type: T;
  readonly data: LedgerEventDataByType[T];
  readonly metadata: EventMetadata;
};

/** The discriminated union of every ledger event. */
export type LedgerEvent = { [T in LedgerEventType]: LedgerEventOf<T> }[LedgerEventType];

/** Current version of each payload contract; bumped with the Avro schema when a payload changes. */
export const SCHEMA_VERSION = 1;

/** Ordering key of a member's events: one member's events stay in one partition, in order. */
export function memberKey(tenantId: string, memberId: string): string {
  return `${tenantId}|${memberId}`;
}
