import { type Decision, type DecisionContext, type MemberState, metadataFor, reject } from '@loyalty/domain';

export const PROFILE_FIELDS = ['email', 'phone', 'loyaltyCardNumber'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

export interface UpdateProfile {
  readonly tenantId: string;
  readonly memberId: string;
  /** The client's id for this update (Idempotency-Key), so a resend is the same event. */
  readonly updateId: string;
  /** Fields present are set; a null value clears the field. */
  readonly changes: Readonly<Partial<Record<ProfileField, string | null>>>;
}

export function decideUpdateProfile(command: UpdateProfile, state: MemberState, context: DecisionContext): Decision {
  if (!state.enrolled) return reject('MEMBER.NOT_FOUND', `member ${command.memberId} is not enrolled`, 404);
  const changed = PROFILE_FIELDS.filter((f) => f in command.changes);
  if (changed.length === 0) return reject('MEMBER.NO_CHANGES', 'the update names no profile field');
  const value = (f: ProfileField) => command.changes[f] ?? null;
  const target = { tenantId: command.tenantId, memberId: command.memberId, occurredAt: context.now };
  return {
    kind: 'accepted',
    events: [
      {
        type: 'MemberProfileUpdated',
        data: { changed, email: value('email'), phone: value('phone'), loyaltyCardNumber: value('loyaltyCardNumber') },
        metadata: metadataFor(context, target, context.idFor(command.tenantId, 'member', command.memberId, 'profile', command.updateId), null),
      },
    ],
  };
}
