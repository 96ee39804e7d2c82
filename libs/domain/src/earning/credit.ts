import { type PointsSource } from '../events/generated/ledger-event.types';
import { type LedgerEventOf } from '../events/ledger-event';
import { type DecisionContext, metadataFor } from '../decision/decision';
import { type ProgramConfig } from '../program/program-config';
import { addDays } from '../time/iso-time';

/** When points of a currency expire, counted from when they become active; null = never. */
export function expiryFor(program: ProgramConfig, currency: string, activeFrom: string): string | null {
  const days = program.currencies[currency]?.expiresAfterDays ?? null;
  return days === null ? null : addDays(activeFrom, days);
}

export interface CreditInput {
  readonly target: { readonly tenantId: string; readonly memberId: string; readonly occurredAt: string };
  readonly eventId: string;
  readonly bucketId: string;
  readonly currency: string;
  readonly basePoints: number;
  readonly points: number;
  readonly multiplierHundredths: number;
  readonly pendingDays: number;
  readonly source: PointsSource;
  /** The member's debt: an active credit repays it first. */
  readonly debt: number;
}

/** A PointsEarned event: one new bucket, pending for `pendingDays`, expiring per its currency. */
export function creditEvent(context: DecisionContext, program: ProgramConfig, input: CreditInput): LedgerEventOf<'PointsEarned'> {
  const earnedAt = input.target.occurredAt;
  const activeFrom = addDays(earnedAt, input.pendingDays);
  const pending = input.pendingDays > 0;
  return {
    type: 'PointsEarned',
    data: {
      bucketId: input.bucketId,
      currency: input.currency,
      points: input.points,
      basePoints: input.basePoints,
      multiplierHundredths: input.multiplierHundredths,
      // Pending points repay nothing until they are active.
      debtRecovered: pending ? 0 : Math.min(input.debt, input.points),
      earnedAt,
      activeFrom,
      pending,
      expiresAt: expiryFor(program, input.currency, activeFrom),
      source: input.source,
    },
    metadata: metadataFor(context, input.target, input.eventId, program.version),
  };
}
