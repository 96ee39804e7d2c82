import { type MemberCommand } from '../pipeline/member-command';
import { requestHash } from '../pipeline/request-hash';
import { NO_NEEDS, type StateNeeds } from '../pipeline/state-needs';
import { type RulesCommandOrigin } from './rules-command-origin';

/**
 * The pipeline command for one of the rules service's commands. Keyed by the rules service's
 * deterministic command id: a redelivery answers as a resend, the same id with other content is a
 * conflict. Rules commands are about members ingestion knows, so they never create one.
 */
export function rulesMemberCommand<C extends RulesCommandOrigin>(
  type: string,
  command: C,
  spec: { readonly occurredAt: string; readonly bucketIds?: readonly string[]; readonly decide: MemberCommand['decide'] },
): MemberCommand {
  const needs: StateNeeds = { ...NO_NEEDS, bucketIds: spec.bucketIds ?? [] };
  return {
    tenantId: command.tenantId,
    memberId: command.memberId,
    commandKey: `rules:${command.commandId}`,
    requestHash: requestHash({ type, ...command }),
    needs,
    occurredAt: spec.occurredAt,
    createsMember: false,
    decide: spec.decide,
    summarize: ({ events }) => ({ commandId: command.commandId, type, applied: events.length > 0 }),
  };
}
