import { type MemberCommand } from '../pipeline/member-command';
import { requestHash } from '../pipeline/request-hash';
import { decideRecordReturn } from './record-return.decide';
import { type RecordReturnRequest } from './record-return.request';

export function recordReturnCommand(request: RecordReturnRequest): MemberCommand {
  return {
    tenantId: request.tenantId,
    memberId: request.memberId,
    commandKey: `return:${request.returnId}`,
    needs: { spendableBuckets: true, transactionIds: [request.transactionId], redemptionIds: [], bucketIds: [] },
    requestHash: requestHash(request),
    occurredAt: request.occurredAt,
    decide: (state, program, context) =>
      decideRecordReturn(
        { ...request, lines: request.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity ?? null, amountMinor: l.amountMinor ?? null })) },
        state,
        program,
        context,
      ),
    summarize: ({ events }) => {
      const reversed = events.find((e) => e.type === 'PointsReversed');
      return {
        returnId: request.returnId,
        transactionId: request.transactionId,
        pointsReversed: reversed?.type === 'PointsReversed' ? reversed.data.points : 0,
      };
    },
  };
}
