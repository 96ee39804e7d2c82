import { type Decision, type DecisionContext, type MemberState, metadataFor, reject } from '@loyalty/domain';

export interface CancelRedemption {
  readonly tenantId: string;
  readonly redemptionId: string;
  readonly memberId: string;
}

/** A cancelled redemption gives the same points back to the same buckets, once. */
export function decideCancelRedemption(command: CancelRedemption, state: MemberState, programVersion: string, context: DecisionContext): Decision {
  const redemption = state.redemptions[command.redemptionId];
  if (redemption === undefined) return reject('REDEMPTION.NOT_FOUND', `member ${command.memberId} has no redemption ${command.redemptionId}`, 404);
  if (redemption.cancelled) return reject('REDEMPTION.ALREADY_CANCELLED', `redemption ${command.redemptionId} is already cancelled`, 409);
  const target = { tenantId: command.tenantId, memberId: command.memberId, occurredAt: context.now };
  return {
    kind: 'accepted',
    events: [
      {
        type: 'RedemptionCancelled',
        data: { redemptionId: command.redemptionId, points: redemption.points, buckets: redemption.buckets },
        metadata: metadataFor(context, target, context.idFor(command.tenantId, 'redemption', command.redemptionId, 'RedemptionCancelled'), programVersion),
      },
    ],
  };
}
