import { type DecisionContext } from '@loyalty/domain';

/** A context whose ids are readable joins of their parts, for given/when/then specs. */
export function decisionContext(now = '2026-11-22T10:00:05.000Z'): DecisionContext {
  return { now, correlationId: 'corr-1', idFor: (...parts) => parts.join('/') };
}
