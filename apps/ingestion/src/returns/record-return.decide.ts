import {
  type BucketAmount,
  type Decision,
  type DecisionContext,
  type LedgerEvent,
  type LinePoints,
  type MemberState,
  type ProgramConfig,
  lineReversal,
  metadataFor,
  pastExpiryRuleFor,
  reject,
  spendableBuckets,
  takePoints,
  toUtcIso,
} from '@loyalty/domain';

export interface RecordReturn {
  readonly tenantId: string;
  readonly returnId: string;
  readonly transactionId: string;
  readonly memberId: string;
  readonly occurredAt: string;
  /** Each line names the units or the money that came back. */
  readonly lines: readonly { readonly lineId: string; readonly quantity: number | null; readonly amountMinor: number | null }[];
}

/**
 * A return reverses exactly the points its lines earned, in proportion to what came back, never
 * more than was earned. Pending points are simply cancelled; if active points were already spent,
 * the program decides: deduct what is available (the rest is written off) or let the balance go
 * negative (a debt repaid from later credits).
 */
export function decideRecordReturn(command: RecordReturn, state: MemberState, program: ProgramConfig, context: DecisionContext): Decision {
  const transaction = state.transactions[command.transactionId];
  if (transaction === undefined) {
    return reject('RETURN.UNKNOWN_TRANSACTION', `member ${command.memberId} has no transaction ${command.transactionId}`, 404);
  }
  const returned: { lineId: string; quantity: number | null; amountMinor: number; points: number; category: string }[] = [];
  // Lines are taken against their state as this return changes it, so a line named twice can
  // never be returned, or reversed, beyond what was bought.
  const lines = { ...transaction.lines };
  for (const requested of command.lines) {
    const line = lines[requested.lineId];
    if (line === undefined) return reject('RETURN.UNKNOWN_LINE', `transaction ${command.transactionId} has no line ${requested.lineId}`, 404);
    const reversal = lineReversal(line, requested);
    lines[requested.lineId] = {
      ...line,
      returnedQuantity: line.returnedQuantity + (reversal.quantity ?? 0),
      returnedAmountMinor: line.returnedAmountMinor + reversal.amountMinor,
      reversedPoints: line.reversedPoints + reversal.points,
    };
    if (reversal.amountMinor > 0) returned.push({ lineId: requested.lineId, category: line.category, ...reversal });
  }
  if (returned.length === 0) return reject('RETURN.NOTHING_LEFT_TO_RETURN', 'the named lines were already returned in full', 409);

  const target = { tenantId: command.tenantId, memberId: command.memberId, occurredAt: toUtcIso(command.occurredAt) };
  const source = [command.tenantId, 'return', command.returnId] as const;
  const events: LedgerEvent[] = [
    {
      type: 'ReturnRecorded',
      data: {
        returnId: command.returnId,
        transactionId: command.transactionId,
        lines: returned.map((r) => ({ lineId: r.lineId, quantity: r.quantity, amountMinor: r.amountMinor })),
      },
      metadata: metadataFor(context, target, context.idFor(...source, 'ReturnRecorded'), program.version),
    },
  ];

  const points = returned.reduce((sum, r) => sum + r.points, 0);
  if (points > 0) {
    const { buckets, writtenOff, debt } = takeBack(state, transaction.bucketId, points, program, context.now);
    const lines: LinePoints[] = returned.filter((r) => r.points > 0).map((r) => ({ lineId: r.lineId, category: r.category, amountMinor: r.amountMinor, points: r.points }));
    events.push({
      type: 'PointsReversed',
      data: { returnId: command.returnId, transactionId: command.transactionId, points, buckets, writtenOff, debt, lines },
      metadata: metadataFor(context, target, context.idFor(...source, 'PointsReversed'), program.version),
    });
  }
  return { kind: 'accepted', events };
}

/** Takes the points back: from the purchase's own bucket first, then as the policy says. */
function takeBack(
  state: MemberState,
  purchaseBucketId: string | null,
  points: number,
  program: ProgramConfig,
  now: string,
): { buckets: BucketAmount[]; writtenOff: number; debt: number } {
  const own = purchaseBucketId === null ? undefined : state.buckets[purchaseBucketId];
  const fromOwn = own === undefined ? 0 : Math.min(own.remaining, points);
  const buckets: BucketAmount[] = own !== undefined && fromOwn > 0 ? [{ bucketId: own.bucketId, points: fromOwn }] : [];
  const rest = points - fromOwn;
  if (rest === 0) return { buckets, writtenOff: 0, debt: 0 };
  if (program.returns.whenAlreadySpent === 'allow-negative') return { buckets, writtenOff: 0, debt: rest };
  const others = takePoints(spendableBuckets(state, now, new Set(own === undefined ? [] : [own.bucketId]), pastExpiryRuleFor(state, program)), rest);
  return { buckets: [...buckets, ...others.taken], writtenOff: others.shortfall, debt: 0 };
}
