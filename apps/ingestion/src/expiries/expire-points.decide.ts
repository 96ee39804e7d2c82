import { type Decision, type DecisionContext, type MemberState, type ProgramConfig, vipKeepsPoints } from '@loyalty/domain';
import { type NoOp, noOp } from '../pipeline/no-op';
import { type RulesCommandOrigin, rulesEventMetadata } from '../rules-input/rules-command-origin';

export interface ExpirePoints extends RulesCommandOrigin {
  readonly bucketId: string;
  /** The tenant's day boundary at which the rules service found the bucket due. */
  readonly expiredAt: string;
}

/**
 * What is left of a bucket due at `expiredAt` expires (0 when it was all spent: the expiry still
 * counts for tiers). Decided on the write model, so it takes exactly what a redemption left, and
 * once: a bucket already expired changes nothing. A VIP's temporary points do not expire while
 * they are VIP, where the program says so (the bucket stays spendable; see `vipKeepsPoints`).
 */
export function decideExpirePoints(command: ExpirePoints, state: MemberState, program: ProgramConfig, context: DecisionContext): Decision | NoOp {
  const bucket = state.buckets[command.bucketId];
  if (bucket === undefined) return noOp(`member ${command.memberId} has no bucket ${command.bucketId}`);
  if (bucket.expired) return noOp(`bucket ${command.bucketId} has already expired`);
  if (bucket.expiresAt === null) return noOp(`bucket ${command.bucketId} never expires`);
  if (Date.parse(bucket.expiresAt) > Date.parse(command.expiredAt)) return noOp(`bucket ${command.bucketId} expires at ${bucket.expiresAt}, after ${command.expiredAt}`);
  if (vipKeepsPoints(state, program, bucket)) return noOp(`the member is VIP: their ${bucket.currency} points do not expire while they are VIP`);
  return {
    kind: 'accepted',
    events: [
      {
        type: 'PointsExpired',
        data: { bucketId: bucket.bucketId, currency: bucket.currency, points: bucket.remaining, expiresAt: bucket.expiresAt, expiredAt: command.expiredAt },
        metadata: rulesEventMetadata(command, 'PointsExpired', command.expiredAt, context),
      },
    ],
  };
}
