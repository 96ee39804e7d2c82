import { type Decision, type DecisionContext, type MemberState, metadataFor, reject } from '@loyalty/domain';

export interface CancelRedemption {
  readonly tenantId: string;
  readonly redemptionId: string;
  readonly memberId: string;
}

/**
 * A cancelled redemption gives the same points back to the same buckets, once, except what a
 * return meanwhile wrote off against those buckets: that part repays the return (returned goods
 * never earn points), and the event lists only what was really given back.
 */
export function decideCancelRedemption(command: CancelRedemption, state: MemberState, programVersion: string, context: DecisionContext): Decision {
  const redemption = state.redemptions[command.redemptionId];
  if (redemption === undefined) return reject('REDEMPTION.NOT_FOUND', `member ${command.memberId} has no redemption ${command.redemptionId}`, 404);
  if (redemption.cancelled) return reject('REDEMPTION.ALREADY_CANCELLED', `redemption ${command.redemptionId} is already cancelled`, 409);
  const target = { tenantId: command.tenantId, memberId: command.memberId, occurredAt: context.now };
  const owed = new Map(Object.values(state.buckets).map((b) => [b.bucketId, b.owed]));
  const restored = redemption.buckets
    .map((b) => {
      const repay = Math.min(owed.get(b.bucketId) ?? 0, b.points);
      owed.set(b.bucketId, (owed.get(b.bucketId) ?? 0) - repay);
      return { bucketId: b.bucketId, points: b.points - repay };
    })
    .filter((b) => b.points > 0);
  return {
    kind: 'accepted',
    events: [
      {
        type: 'RedemptionCancelled',
        data: { redemptionId: command.redemptionId, points: restored.reduce((s, b) => s + b.points, 0), buckets: restored },
        metadata: metadataFor(context, target, context.idFor(command.tenantId, 'redemption', command.redemptionId, 'RedemptionCancelled'), programVersion),
      },
    ],
  };
}
