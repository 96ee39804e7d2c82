/**
 * What the rules service asks of ingestion's write model (topic `loyalty.rules.commands.v1`).
 * Activations, expiries and offers change what a member may spend, so ingestion decides them under
 * the member's lock (ADR-18); the rules service only says what is due. Command ids are
 * deterministic, so sending one again (a re-run day, a crash before bookkeeping) has no effect.
 */
interface RulesCommandBase {
  readonly commandId: string;
  readonly tenantId: string;
  readonly memberId: string;
  readonly programVersion: string | null;
  readonly causationId: string | null;
}

export interface ActivatePointsCommand extends RulesCommandBase {
  readonly type: 'activate-points';
  readonly bucketId: string;
  readonly activatedAt: string;
}

export interface ExpirePointsCommand extends RulesCommandBase {
  readonly type: 'expire-points';
  readonly bucketId: string;
  readonly expiredAt: string;
}

export interface GrantOfferCommand extends RulesCommandBase {
  readonly type: 'grant-offer';
  readonly offerId: string;
  readonly activityType: string;
  readonly bonusPoints: number;
  readonly validFrom: string;
  readonly validUntil: string;
}

export type RulesCommand = ActivatePointsCommand | ExpirePointsCommand | GrantOfferCommand;
