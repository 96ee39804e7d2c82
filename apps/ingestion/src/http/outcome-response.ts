import { type FastifyReply } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from '@loyalty/http';
import { type CommandOutcome } from '../pipeline/member-command';

/** Sends a command's outcome: its status, and problem+json for rejections. */
export function sendOutcome(reply: FastifyReply, outcome: CommandOutcome): Record<string, unknown> {
  void reply.status(outcome.status);
  if (outcome.replayed) void reply.header('Idempotent-Replayed', 'true');
  if (outcome.status >= 400) void reply.type(PROBLEM_CONTENT_TYPE);
  return outcome.body;
}
