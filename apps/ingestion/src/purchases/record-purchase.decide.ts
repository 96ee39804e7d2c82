import {
  type Decision,
  type DecisionContext,
  type LedgerEvent,
  type MemberState,
  type ProgramConfig,
  applyMultiplier,
  creditEvent,
  linePoints,
  metadataFor,
  multiplierFor,
  reject,
  toUtcIso,
} from '@loyalty/domain';

export interface PurchaseLineInput {
  readonly lineId: string;
  readonly sku: string;
  readonly category: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  readonly discountMinor: number;
}

export interface RecordPurchase {
  readonly tenantId: string;
  readonly transactionId: string;
  readonly memberId: string;
  readonly occurredAt: string;
  readonly channel: string;
  readonly currency: string;
  readonly lines: readonly PurchaseLineInput[];
}

/**
 * A purchase is recorded as sent; each line earns amount x its category's rate x the member's
 * custom-tier multiplier, rounded down per line, and the purchase earns the sum, pending for the
 * program's return window.
 */
export function decideRecordPurchase(command: RecordPurchase, state: MemberState, program: ProgramConfig, context: DecisionContext): Decision {
  if (command.currency !== program.moneyCurrency) {
    return reject('PURCHASE.CURRENCY_NOT_SUPPORTED', `the program earns on ${program.moneyCurrency}; the purchase is in ${command.currency}`);
  }
  if (state.transactions[command.transactionId] !== undefined) {
    return reject('PURCHASE.ALREADY_RECORDED', `transaction ${command.transactionId} is already recorded`, 409);
  }
  const lines = command.lines.map((l) => ({ ...l, amountMinor: l.quantity * l.unitPriceMinor - l.discountMinor }));
  const negative = lines.find((l) => l.amountMinor < 0);
  if (negative !== undefined) return reject('PURCHASE.DISCOUNT_EXCEEDS_PRICE', `line ${negative.lineId}: the discount exceeds quantity x unit price`);

  const target = { tenantId: command.tenantId, memberId: command.memberId, occurredAt: toUtcIso(command.occurredAt) };
  const source = [command.tenantId, 'purchase', command.transactionId] as const;
  const recorded: LedgerEvent = {
    type: 'PurchaseRecorded',
    data: {
      transactionId: command.transactionId,
      channel: command.channel,
      moneyCurrency: command.currency,
      totalMinor: lines.reduce((sum, l) => sum + l.amountMinor, 0),
      lines,
    },
    metadata: metadataFor(context, target, context.idFor(...source, 'PurchaseRecorded'), program.version),
  };

  const multiplier = multiplierFor(program, state.customTiers);
  const earned = lines.map((l) => {
    const base = linePoints(program, l.category, l.amountMinor);
    return { lineId: l.lineId, category: l.category, amountMinor: l.amountMinor, base, points: applyMultiplier(base, multiplier) };
  });
  const points = earned.reduce((sum, l) => sum + l.points, 0);
  if (points === 0) return { kind: 'accepted', events: [recorded] };

  const credit = creditEvent(context, program, {
    target,
    eventId: context.idFor(...source, 'PointsEarned'),
    bucketId: context.idFor(...source, 'bucket'),
    currency: program.earning.pointCurrency,
    basePoints: earned.reduce((sum, l) => sum + l.base, 0),
    points,
    multiplierHundredths: multiplier,
    pendingDays: program.pendingDays,
    source: { kind: 'PURCHASE', sourceId: command.transactionId, lines: earned.map(({ base: _base, ...line }) => line) },
    debt: state.debt,
  });
  return { kind: 'accepted', events: [recorded, credit] };
}
