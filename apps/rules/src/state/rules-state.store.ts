import { type Kysely, type Transaction, sql } from 'kysely';
import { type RulesDatabase } from '@loyalty/db';
import { type GraceCause, type RulesBucket, type RulesMember, type RulesView, initialRulesMember, isTracked } from '@loyalty/domain';

type Db = Kysely<RulesDatabase> | Transaction<RulesDatabase>;

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());
export const viewKey = (tenantId: string, memberId: string): string => `${tenantId}|${memberId}`;

/**
 * Loads the rules state of the given members (new members start empty). `lock` takes the members'
 * rows for the transaction, so two instances (or the consumer and a day run) never decide on the
 * same member at once.
 */
export async function loadViews(db: Db, members: readonly { tenantId: string; memberId: string }[], options: { lock: boolean }): Promise<Map<string, RulesView>> {
  const views = new Map<string, RulesView>();
  if (members.length === 0) return views;
  const tenants = members.map((m) => m.tenantId);
  const ids = members.map((m) => m.memberId);
  const keys = sql`select * from unnest(${tenants}::text[], ${ids}::text[]) as k(tenant_id, member_id)`;
  // One round trip: each member row with its tracked buckets aggregated beside it.
  const rows = await sql<Record<string, unknown>>`
    select m.*, coalesce(b.buckets, '[]'::json) as buckets
    from rules_members m join (${keys}) k using (tenant_id, member_id)
    left join lateral (
      select json_agg(json_build_object('bucketId', bucket_id, 'currency', currency, 'remaining', remaining, 'pending', pending,
                                        'activeFrom', active_from, 'expiresAt', expires_at, 'expired', expired, 'warned', warned)) as buckets
      from rules_buckets b where b.tenant_id = m.tenant_id and b.member_id = m.member_id
    ) b on true
    order by m.tenant_id, m.member_id ${options.lock ? sql`for no key update of m` : sql``}`.execute(db);
  for (const m of members) views.set(viewKey(m.tenantId, m.memberId), { member: initialRulesMember(m.tenantId, m.memberId), buckets: {} });
  for (const r of rows.rows) {
    const member: RulesMember = {
      tenantId: r.tenant_id as string,
      memberId: r.member_id as string,
      tier: r.tier as string | null,
      tierChangedAt: r.tier_changed_at as string | null,
      qualifying: Number(r.qualifying),
      customTiers: r.custom_tiers as string[],
      lastDrop: r.last_drop as RulesMember['lastDrop'],
      grace: r.grace_tier === null ? null : { tier: r.grace_tier as string, threshold: Number(r.grace_threshold), until: iso(r.grace_until as Date) ?? '', cause: r.grace_cause as GraceCause },
      riskAnnounced: r.risk_announced as string | null,
      offerDueFor: r.offer_due_for as string | null,
      awaitingTierChanges: r.awaiting_tier_changes as string[],
    };
    const buckets: Record<string, RulesBucket> = {};
    for (const b of r.buckets as (Omit<RulesBucket, 'remaining'> & { remaining: number | string })[]) {
      buckets[b.bucketId] = { ...b, remaining: Number(b.remaining), activeFrom: iso(b.activeFrom) ?? '', expiresAt: iso(b.expiresAt) };
    }
    views.set(viewKey(member.tenantId, member.memberId), { member, buckets });
  }
  return views;
}

/**
 * Writes the views back: members upserted, tracked buckets upserted, buckets no longer tracked
 * deleted. Given the views as loaded, only what changed is written: the fold returns the same
 * objects for what it did not change, so identity says what changed.
 */
export async function saveViews(db: Db, views: readonly RulesView[], loaded?: ReadonlyMap<string, RulesView>): Promise<void> {
  const before = (view: RulesView) => loaded?.get(viewKey(view.member.tenantId, view.member.memberId));
  const m = views.map((v) => v.member).filter((member, i) => before(views[i] as RulesView)?.member !== member);
  if (m.length > 0) await upsertMembers(db, m);

  const kept: { tenantId: string; memberId: string; bucket: RulesBucket }[] = [];
  const dropped: { tenantId: string; bucketId: string }[] = [];
  for (const view of views) {
    const old = before(view)?.buckets;
    for (const bucket of Object.values(view.buckets)) {
      if (old?.[bucket.bucketId] === bucket) continue;
      if (isTracked(bucket)) kept.push({ tenantId: view.member.tenantId, memberId: view.member.memberId, bucket });
      else if (loaded === undefined || old?.[bucket.bucketId] !== undefined) dropped.push({ tenantId: view.member.tenantId, bucketId: bucket.bucketId });
    }
  }
  await writeBuckets(db, kept, dropped);
}

async function upsertMembers(db: Db, m: readonly RulesMember[]): Promise<void> {
  await sql`
    insert into rules_members (tenant_id, member_id, tier, tier_changed_at, qualifying, custom_tiers, last_drop, grace_tier, grace_threshold, grace_until, grace_cause, risk_announced, offer_due_for, awaiting_tier_changes)
    select t.tenant_id, t.member_id, t.tier, t.tier_changed_at, t.qualifying, coalesce(array(select jsonb_array_elements_text(t.custom_tiers)), '{}'), t.last_drop, t.grace_tier, t.grace_threshold, t.grace_until, t.grace_cause, t.risk_announced, t.offer_due_for, coalesce(array(select jsonb_array_elements_text(t.awaiting)), '{}')
    from unnest(${m.map((x) => x.tenantId)}::text[], ${m.map((x) => x.memberId)}::text[], ${m.map((x) => x.tier)}::text[], ${m.map((x) => x.tierChangedAt)}::text[],
                ${m.map((x) => x.qualifying)}::bigint[], ${m.map((x) => JSON.stringify(x.customTiers))}::jsonb[], ${m.map((x) => x.lastDrop)}::text[],
                ${m.map((x) => x.grace?.tier ?? null)}::text[], ${m.map((x) => x.grace?.threshold ?? null)}::bigint[], ${m.map((x) => x.grace?.until ?? null)}::timestamptz[], ${m.map((x) => x.grace?.cause ?? null)}::text[],
                ${m.map((x) => x.riskAnnounced)}::text[], ${m.map((x) => x.offerDueFor)}::text[], ${m.map((x) => JSON.stringify(x.awaitingTierChanges))}::jsonb[])
      as t(tenant_id, member_id, tier, tier_changed_at, qualifying, custom_tiers, last_drop, grace_tier, grace_threshold, grace_until, grace_cause, risk_announced, offer_due_for, awaiting)
    on conflict (tenant_id, member_id) do update set
      tier = excluded.tier, tier_changed_at = excluded.tier_changed_at, qualifying = excluded.qualifying, custom_tiers = excluded.custom_tiers,
      last_drop = excluded.last_drop, grace_tier = excluded.grace_tier, grace_threshold = excluded.grace_threshold, grace_until = excluded.grace_until, grace_cause = excluded.grace_cause,
      risk_announced = excluded.risk_announced, offer_due_for = excluded.offer_due_for, awaiting_tier_changes = excluded.awaiting_tier_changes`.execute(db);
}

async function writeBuckets(db: Db, kept: readonly { tenantId: string; memberId: string; bucket: RulesBucket }[], dropped: readonly { tenantId: string; bucketId: string }[]): Promise<void> {
  if (kept.length > 0) {
    const b = kept.map((k) => k.bucket);
    await sql`
      insert into rules_buckets (tenant_id, bucket_id, member_id, currency, remaining, pending, active_from, expires_at, expired, warned)
      select * from unnest(${kept.map((k) => k.tenantId)}::text[], ${b.map((x) => x.bucketId)}::text[], ${kept.map((k) => k.memberId)}::text[], ${b.map((x) => x.currency)}::text[],
                           ${b.map((x) => x.remaining)}::bigint[], ${b.map((x) => x.pending)}::boolean[], ${b.map((x) => x.activeFrom)}::timestamptz[],
                           ${b.map((x) => x.expiresAt)}::timestamptz[], ${b.map((x) => x.expired)}::boolean[], ${b.map((x) => x.warned)}::boolean[])
      on conflict (tenant_id, bucket_id) do update set
        remaining = excluded.remaining, pending = excluded.pending, expired = excluded.expired, warned = excluded.warned`.execute(db);
  }
  if (dropped.length > 0) {
    await sql`
      delete from rules_buckets b using unnest(${dropped.map((d) => d.tenantId)}::text[], ${dropped.map((d) => d.bucketId)}::text[]) as d(tenant_id, bucket_id)
      where b.tenant_id = d.tenant_id and b.bucket_id = d.bucket_id`.execute(db);
  }
}

/**
 * Records events whose second folding would count twice; returns the ids seen for the first time.
 * Duplicates reach the log when a producer's send is retried after a crash (same event id, new offset).
 */
export async function firstSightings(db: Db, events: readonly { tenantId: string; eventId: string }[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const inserted = await sql<{ tenant_id: string; event_id: string }>`
    insert into rules_applied_events (tenant_id, event_id)
    select * from unnest(${events.map((e) => e.tenantId)}::text[], ${events.map((e) => e.eventId)}::text[])
    on conflict do nothing
    returning tenant_id, event_id`.execute(db);
  return new Set(inserted.rows.map((r) => `${r.tenant_id}|${r.event_id}`));
}
