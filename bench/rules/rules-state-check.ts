// A rate is only worth reporting if the work was done: once the tier evaluation has drained the
// backlog and settled, the rules state in the throwaway database must hold every member of the
// backlog with the qualifying points the generator booked, the buckets the rules track with what
// is left in them, every member at the tier its points support (no grace period in the bench
// program), and nothing left unpublished in the outbox. A mismatch fails the phase.
import { type Client } from 'pg';
import { type RulesExpectation } from './rules-backlog';
import { supportedTierSql } from './tier-sql';

export interface RulesStateCheck {
  readonly tiers: Readonly<Record<string, number>>;
  readonly mismatch: string | undefined;
}

export async function checkRulesState(client: Client, tenantId: string, expected: RulesExpectation): Promise<RulesStateCheck> {
  const { rows } = await client.query<{ members: string; qualifying: string; buckets: string; remaining: string; outbox: string; wrong_tier: string }>(
    `select (select count(*) from rules_members where tenant_id = $1) as members,
            (select coalesce(sum(qualifying), 0) from rules_members where tenant_id = $1) as qualifying,
            (select count(*) from rules_buckets where tenant_id = $1) as buckets,
            (select coalesce(sum(remaining), 0) from rules_buckets where tenant_id = $1) as remaining,
            (select count(*) from rules_outbox) as outbox,
            (select count(*) from rules_members where tenant_id = $1 and tier is distinct from ${supportedTierSql('qualifying')}) as wrong_tier`,
    [tenantId],
  );
  const tierRows = await client.query<{ tier: string | null; n: string }>('select tier, count(*) as n from rules_members where tenant_id = $1 group by tier', [tenantId]);
  const tiers = Object.fromEntries(tierRows.rows.map((r) => [r.tier ?? '(none)', Number(r.n)]));
  const row = rows[0];
  const found = {
    members: Number(row?.members ?? 0),
    qualifying: Number(row?.qualifying ?? 0),
    buckets: Number(row?.buckets ?? 0),
    remaining: Number(row?.remaining ?? 0),
    outbox: Number(row?.outbox ?? 0),
    wrongTier: Number(row?.wrong_tier ?? 0),
  };
  const problems = [
    found.members === expected.members ? '' : `${found.members} members for ${expected.members} in the backlog`,
    found.qualifying === expected.qualifying ? '' : `qualifying points add up to ${found.qualifying}, the backlog's to ${expected.qualifying}`,
    found.buckets === expected.trackedBuckets ? '' : `${found.buckets} tracked buckets, the backlog leaves ${expected.trackedBuckets}`,
    found.remaining === expected.trackedRemaining ? '' : `tracked buckets hold ${found.remaining} points, the backlog leaves ${expected.trackedRemaining}`,
    found.wrongTier === 0 ? '' : `${found.wrongTier} members hold a tier their qualifying points do not support`,
    found.outbox === 0 ? '' : `${found.outbox} decisions left unpublished in the outbox`,
  ].filter((p) => p.length > 0);
  return { tiers, mismatch: problems.length === 0 ? undefined : `rules state check: ${problems.join('; ')}` };
}
