import { type Decision, type DecisionContext, type MemberState, metadataFor, reject, toUtcIso } from '@loyalty/domain';

export interface EnrolMember {
  readonly tenantId: string;
  readonly memberId: string;
  readonly enrolledAt: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly loyaltyCardNumber: string | null;
}

export function decideEnrolMember(command: EnrolMember, state: MemberState, programVersion: string, context: DecisionContext): Decision {
  if (state.enrolled) return reject('MEMBER.ALREADY_ENROLLED', `member ${command.memberId} is already enrolled`, 409);
  const target = { tenantId: command.tenantId, memberId: command.memberId, occurredAt: toUtcIso(command.enrolledAt) };
  return {
    kind: 'accepted',
    events: [
      {
        type: 'MemberEnrolled',
        data: { enrolledAt: target.occurredAt, email: command.email, phone: command.phone, loyaltyCardNumber: command.loyaltyCardNumber },
        metadata: metadataFor(context, target, context.idFor(command.tenantId, 'member', command.memberId, 'MemberEnrolled'), programVersion),
      },
    ],
  };
}
