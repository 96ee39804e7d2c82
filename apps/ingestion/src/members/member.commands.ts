import { type CustomTier } from '@loyalty/domain';
import { type MemberCommand } from '../pipeline/member-command';
import { requestHash } from '../pipeline/request-hash';
import { decideChangeCustomTier } from './custom-tier.decide';
import { decideEnrolMember } from './enrol-member.decide';
import { type EnrolMemberRequest, type UpdateProfileRequest } from './member.requests';
import { decideUpdateProfile } from './update-profile.decide';
import { NO_NEEDS } from '../pipeline/state-needs';

export function enrolMemberCommand(request: EnrolMemberRequest): MemberCommand {
  return {
    tenantId: request.tenantId,
    memberId: request.memberId,
    commandKey: `enrol:${request.memberId}`,
    needs: NO_NEEDS,
    requestHash: requestHash(request),
    occurredAt: request.enrolledAt,
    decide: (state, program, context) =>
      decideEnrolMember(
        { ...request, email: request.email ?? null, phone: request.phone ?? null, loyaltyCardNumber: request.loyaltyCardNumber ?? null },
        state,
        program.version,
        context,
      ),
    summarize: () => ({ memberId: request.memberId, enrolled: true }),
  };
}

/** `updateId` is the client's Idempotency-Key, or a fresh id when it sent none (no resend protection). */
export function updateProfileCommand(tenantId: string, memberId: string, updateId: string, request: UpdateProfileRequest): MemberCommand {
  return {
    tenantId,
    memberId,
    commandKey: `profile:${memberId}:${updateId}`,
    needs: NO_NEEDS,
    requestHash: requestHash(request),
    occurredAt: null,
    decide: (state, _program, context) => decideUpdateProfile({ tenantId, memberId, updateId, changes: request }, state, context),
    summarize: ({ events }) => ({ memberId, changed: events.flatMap((e) => (e.type === 'MemberProfileUpdated' ? e.data.changed : [])) }),
  };
}

export function changeCustomTierCommand(tenantId: string, memberId: string, tier: CustomTier, assign: boolean, requestId: string): MemberCommand {
  return {
    tenantId,
    memberId,
    commandKey: `tier:${memberId}:${tier}:${assign ? 'assign' : 'revoke'}:${requestId}`,
    needs: NO_NEEDS,
    requestHash: requestHash({ memberId, tier, assign }),
    occurredAt: null,
    decide: (state, program, context) => decideChangeCustomTier({ tenantId, memberId, tier, assign }, state, program.version, context),
    summarize: ({ events }) => ({ memberId, tier, assigned: assign, changed: events.length > 0 }),
  };
}
