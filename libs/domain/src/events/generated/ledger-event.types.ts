// Generated from schemas/avro/ledger-event.avsc by `npm run schemas:generate`. Do not edit: change the .avsc files.

/** The envelope every ledger event carries. Times are ISO-8601 UTC strings. */
export interface EventMetadata {
  /** Deterministic where possible: derived from the storefront's own ids, so a resend has the same id. */
  readonly eventId: string;
  readonly tenantId: string;
  readonly memberId: string;
  /** When it happened in the world (ISO-8601 UTC). */
  readonly occurredAt: string;
  /** When the ledger recorded it (ISO-8601 UTC). */
  readonly recordedAt: string;
  readonly correlationId: string;
  readonly causationId: null | string;
  /** Version of the event's payload contract. */
  readonly schemaVersion: number;
  /** Program configuration version that produced the event, where one did. */
  readonly programVersion: null | string;
}

/** A member joined the program. Personal data stays minimal: ids and contact points the program needs. */
export interface MemberEnrolled {
  readonly enrolledAt: string;
  readonly email: null | string;
  readonly phone: null | string;
  readonly loyaltyCardNumber: null | string;
}

/** The points one purchase line earned, so a return can reverse exactly those. */
export interface PurchaseLinePoints {
  readonly lineId: string;
  readonly category: string;
  /** Money spent on the line, in integer minor units. */
  readonly amountMinor: number;
  readonly points: number;
}

/** A credit: creates one bucket of points in one currency. */
export interface PointsEarned {
  readonly bucketId: string;
  /** Point currency, e.g. permanent or temporary. */
  readonly currency: string;
  readonly points: number;
  readonly earnedAt: string;
  /** Pending until then; equal to earnedAt when the points are active at once. */
  readonly activeFrom: string;
  /** True when the points wait for the return window (activated later by PointsActivated). */
  readonly pending: boolean;
  readonly expiresAt: null | string;
  readonly transactionId: string;
  /** ISO 4217 code of the purchase. */
  readonly moneyCurrency: string;
  readonly lines: readonly (PurchaseLinePoints)[];
}

/** Payload of each ledger event type; the type is the Avro union branch's short name. */
export interface LedgerEventDataByType {
  readonly MemberEnrolled: MemberEnrolled;
  readonly PointsEarned: PointsEarned;
}

export const LEDGER_EVENT_TYPES = ['MemberEnrolled', 'PointsEarned'] as const;
export const LEDGER_EVENT_NAMESPACE = 'com.loyalty.ledger';
