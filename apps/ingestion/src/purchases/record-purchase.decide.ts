import {
  type LedgerEventOf,
  type ProgramConfig,
  SCHEMA_VERSION,
  addDays,
  linePoints,
  toUtcIso,
} from '@loyalty/domain';

export interface RecordPurchase {
  readonly tenantId: string;
  readonly transactionId: string;
  readonly memberId: string;
  readonly occurredAt: string;
  readonly currency: string;
  readonly lines: readonly { readonly lineId: string; readonly category: string; readonly amountMinor: number }[];
}

/** Time and ids come in from outside, so the same input always decides the same events. */
export interface DecisionContext {
  readonly now: string;
  readonly eventId: string;
  readonly bucketId: string;
  readonly correlationId: string;
}

export type RecordPurchaseDecision =
  | { readonly kind: 'points-earned'; readonly event: LedgerEventOf<'PointsEarned'> }
  | { readonly kind: 'no-points' }
  | { readonly kind: 'rejected'; readonly code: 'PURCHASE.CURRENCY_NOT_SUPPORTED'; readonly message: string };

/**
 * Earning on a purchase: each line earns amount x its category's rate, rounded down per line; the
 * purchase's points are the sum. They stay pending for the program's return window.
 */
export function decideRecordPurchase(command: RecordPurchase, program: ProgramConfig, context: DecisionContext): RecordPurchaseDecision {
  if (command.currency !== program.moneyCurrency) {
    return {
      kind: 'rejected',
      code: 'PURCHASE.CURRENCY_NOT_SUPPORTED',
      message: `the program earns on ${program.moneyCurrency}; the purchase is in ${command.currency}`,
    };
  }
  const lines = command.lines.map((line) => ({ ...line, points: linePoints(program, line.category, line.amountMinor) }));
  const points = lines.reduce((sum, line) => sum + line.points, 0);
  if (points === 0) return { kind: 'no-points' };

  const earnedAt = toUtcIso(command.occurredAt);
  const activeFrom = addDays(earnedAt, program.pendingDays);
  return {
    kind: 'points-earned',
    event: {
      type: 'PointsEarned',
      data: {
        bucketId: context.bucketId,
        currency: program.earning.pointCurrency,
        points,
        earnedAt,
        activeFrom,
        pending: program.pendingDays > 0,
        expiresAt: null,
        transactionId: command.transactionId,
        moneyCurrency: command.currency,
        lines,
      },
      metadata: {
        eventId: context.eventId,
        tenantId: command.tenantId,
        memberId: command.memberId,
        occurredAt: earnedAt,
        recordedAt: context.now,
        correlationId: context.correlationId,
        causationId: null,
        schemaVersion: SCHEMA_VERSION,
        programVersion: program.version,
      },
    },
  };
}
