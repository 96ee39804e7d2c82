import { type MemberCommand } from '../pipeline/member-command';
import { requestHash } from '../pipeline/request-hash';
import { decideRecordPurchase } from './record-purchase.decide';
import { type RecordPurchaseRequest } from './record-purchase.request';

export function recordPurchaseCommand(request: RecordPurchaseRequest): MemberCommand {
  return {
    tenantId: request.tenantId,
    memberId: request.memberId,
    commandKey: `purchase:${request.transactionId}`,
    // The transaction itself: a purchase already recorded (from another path) is refused.
    needs: { spendableBuckets: false, transactionIds: [request.transactionId], redemptionIds: [], bucketIds: [] },
    requestHash: requestHash(request),
    occurredAt: request.occurredAt,
    decide: (state, program, context) => decideRecordPurchase(request, state, program, context),
    summarize: ({ events }) => {
      const earned = events.find((e) => e.type === 'PointsEarned');
      return {
        transactionId: request.transactionId,
        points: earned?.type === 'PointsEarned' ? earned.data.points : 0,
        pending: earned?.type === 'PointsEarned' ? earned.data.pending : false,
      };
    },
  };
}
