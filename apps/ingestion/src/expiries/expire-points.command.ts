import { type MemberCommand } from '../pipeline/member-command';
import { rulesMemberCommand } from '../rules-input/rules-member-command';
import { type ExpirePoints, decideExpirePoints } from './expire-points.decide';

/** Decided under the program in force at `expiredAt`, which says whether VIPs' points expire. */
export function expirePointsCommand(command: ExpirePoints): MemberCommand {
  return rulesMemberCommand('expire-points', command, {
    occurredAt: command.expiredAt,
    bucketIds: [command.bucketId],
    decide: (state, program, context) => decideExpirePoints(command, state, program, context),
  });
}
