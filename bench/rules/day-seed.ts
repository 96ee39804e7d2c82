// The daily run's state, written straight into the throwaway database's rules tables with
// generate_series (seeding 5M buckets through the ledger would take longer than the run it
// prepares), for one tenant, spread as a program running for months leaves it:
// - buckets: 90 % temporary (activity points: 20, 50 or 200 points each, a tenth of them spent down
//   to 0 and a fifth in part), expiring uniformly over the 90 days from the day before the run's
//   day, so about 1/90 are due on the day and 7/90 lie in the 7-day warning window; those that
//   entered the window on earlier days are already warned. 10 % pending purchase points (50 to
//   1,049, permanent), active from uniformly over 14 days from the day before, so 1/14 are due.
//   Members are drawn at random, about buckets/members each (some have none).
// - members: qualifying points spread around the Bronze / Silver / Gold thresholds (0 / 1,000 /
//   5,000), with a tenth just above Silver's and a twentieth just above Gold's (within 150 points,
//   so points expiring this week put some at risk), never below what their active buckets hold,
//   and the tier those points support. 1 % are VIP (their temporary points do not expire), 0.1 %
//   are owed a re-engagement offer. No risk is recorded as announced yet.
// - rules_tenants: the tenant's last day done is the day before the run's day, phase idle.
// - ingestion's write model, when the day runs with the real ingestion (its migrations applied
//   first): per bucket an ingestion_buckets row written by the same statement from the same draws
//   (same id, member, currency, remaining, pending flag and times; the amount the bucket was
//   earned with, earned_at pendingDays before a pending bucket's active_from, times as ingestion
//   writes them: text, ISO-8601 UTC with milliseconds; nothing owed, not expired), and per member
//   an enrolled ingestion_members row carrying the VIP tier where rules_members has it. Checked to
//   agree bucket by bucket before the day runs.
// Times are cut to milliseconds, as the services write them. The seed is fixed (setseed), so two
// runs of one size seed the same spread.
import { type Client } from 'pg';
import { supportedTierSql } from './tier-sql';

export interface DaySeedSpec {
  readonly tenantId: string;
  readonly members: number;
  readonly buckets: number;
  /** The run's day boundary (the tenant's midnight) and the day before it, as rules_tenants has it. */
  readonly dayStart: string;
  readonly lastDayDone: string;
  /** The end of the warning window: dayStart plus the program's expiryWarningDays. */
  readonly windowEnd: string;
  /** The program's pendingDays: a pending bucket was earned that long before it becomes active. */
  readonly pendingDays: number;
  /**
   * Seed ingestion's write model too (its migrations applied beforehand): an ingestion_members row
   * per member, enrolled, with the VIP tier where rules_members has it, and an ingestion_buckets
   * row per bucket from the same draws (amount, remaining, pending, times), nothing owed or expired.
   */
  readonly ingestion: boolean;
}

/** What the day must do, read from the seeded tables with the product's rules (not the service's queries). */
export interface DayExpectation {
  readonly members: number;
  readonly buckets: number;
  readonly activations: number;
  readonly expiries: number;
  readonly warnings: number;
  readonly offers: number;
  /** Members with an activation or an expiry due: the day's first half visits them. */
  readonly dueMembers: number;
  /** Members with a bucket in the warning window, an ended grace or an offer owed: the second half visits them. */
  readonly dayEndMembers: number;
  readonly tiers: Readonly<Record<string, number>>;
  readonly seedS: number;
}

const CHUNK = 1_000_000;

/**
 * One chunk of buckets, drawn once: every column both write models need, from the same random
 * draws, so the rules tables and ingestion's write model agree bucket by bucket. Times are cut to
 * milliseconds, as the services write them (ISO-8601 with milliseconds). `$1` tenant, `$2`/`$3`
 * the chunk's first and last bucket number, `$4` members, `$5` the day's start, `$6` the program's
 * pending days (a pending bucket was earned that long before it becomes active).
 */
const BUCKET_DRAWS = `
  select 'b-' || k as bucket_id, 'm-' || lpad(floor(r_member * $4)::bigint::text, 8, '0') as member_id,
         case when pending then 'permanent' else 'temporary' end as currency,
         case when pending then 50 + floor(r_points * 1000)::bigint else points end as amount,
         case when pending then 50 + floor(r_points * 1000)::bigint
              when r_left < 0.10 then 0
              when r_left < 0.30 then floor(points * r_points)::bigint
              else points end as remaining,
         pending,
         case when pending then pending_from else expires - interval '90 days' end as active_from,
         case when pending then pending_from - $6::int * interval '1 day' else expires - interval '90 days' end as earned_at,
         case when pending then null else expires end as expires_at,
         not pending and expires <= $5::timestamptz + interval '6 days' as warned
  from (select k, r_member, pending, r_points, r_left,
               case when r_kind < 0.5 then 20 when r_kind < 0.85 then 50 else 200 end as points,
               date_trunc('milliseconds', $5::timestamptz - interval '1 day' + r_when * interval '90 days') as expires,
               date_trunc('milliseconds', $5::timestamptz - interval '1 day' + r_when * interval '14 days') as pending_from
        from (select k, random() as r_member, random() < 0.1 as pending, random() as r_when, random() as r_points, random() as r_left, random() as r_kind
              from generate_series($2::bigint, $3::bigint) k) r) s`;

const INSERT_RULES_BUCKETS = `
  insert into rules_buckets (tenant_id, bucket_id, member_id, currency, remaining, pending, active_from, expires_at, expired, warned)
  select $1, bucket_id, member_id, currency, remaining, pending, active_from, expires_at, false, warned from drawn`;

/** Ingestion writes its times as text: `toISOString()`, UTC with milliseconds. */
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const INSERT_INGESTION_BUCKETS = `
  insert into ingestion_buckets (tenant_id, bucket_id, member_id, currency, amount, remaining, pending, earned_at, active_from, expires_at, owed, expired)
  select $1, bucket_id, member_id, currency, amount, remaining, pending, ${iso('earned_at')}, ${iso('active_from')}, ${iso('expires_at')}, 0, false from drawn`;

export async function seedDay(client: Client, spec: DaySeedSpec, log: (line: string) => void): Promise<DayExpectation> {
  const started = performance.now();
  const { ingestion } = spec;
  await client.query('select setseed(0.42)');
  for (let from = 1; from <= spec.buckets; from += CHUNK) {
    const to = Math.min(spec.buckets, from + CHUNK - 1);
    // With ingestion's write model, one statement writes both tables from one set of draws (a CTE
    // read twice is computed once).
    const statement = ingestion
      ? `with drawn as (${BUCKET_DRAWS}), rules as (${INSERT_RULES_BUCKETS}) ${INSERT_INGESTION_BUCKETS}`
      : `with drawn as (${BUCKET_DRAWS}) ${INSERT_RULES_BUCKETS}`;
    await client.query(statement, [spec.tenantId, from, to, spec.members, spec.dayStart, spec.pendingDays]);
    log(`seeded ${to.toLocaleString('en-US')} of ${spec.buckets.toLocaleString('en-US')} buckets${ingestion ? " (rules' and ingestion's)" : ''}`);
  }
  await client.query(
    `insert into rules_members (tenant_id, member_id, tier, tier_changed_at, qualifying, custom_tiers, last_drop, grace_tier, grace_threshold, grace_until, risk_announced, offer_due_for)
     select $1, id, ${supportedTierSql('q')}, '2026-06-01T00:00:00.000Z', q,
            case when vip then '{vip}'::text[] else '{}'::text[] end, null, null, null, null, null,
            case when offer then 'bench-offer-' || id else null end
     from (select s.id, greatest(s.target, coalesce(b.active, 0)) as q, s.vip, s.offer
           from (select 'm-' || lpad(m::text, 8, '0') as id,
                        (case when u < 0.55 then floor(random() * 1000)
                              when u < 0.65 then 1000 + floor(random() * 150)
                              when u < 0.88 then 1150 + floor(random() * 3850)
                              when u < 0.93 then 5000 + floor(random() * 150)
                              else 5150 + floor(random() * 15000) end)::bigint as target,
                        random() < 0.01 as vip, random() < 0.001 as offer
                 from (select m, random() as u from generate_series(0, $2::bigint - 1) m) g) s
           left join (select member_id, sum(remaining) filter (where not pending) as active from rules_buckets where tenant_id = $1 group by member_id) b
             on b.member_id = s.id) t`,
    [spec.tenantId, spec.members],
  );
  log(`seeded ${spec.members.toLocaleString('en-US')} members`);
  if (ingestion) {
    // Read from rules_members, so the two agree member by member (custom tiers: the VIP flag).
    await client.query(
      `insert into ingestion_members (tenant_id, member_id, enrolled, custom_tiers, debt, activity_counts, offers)
       select tenant_id, member_id, true, case when 'vip' = any(custom_tiers) then '["vip"]'::jsonb else '[]'::jsonb end, 0, '{}'::jsonb, '{}'::jsonb
       from rules_members where tenant_id = $1`,
      [spec.tenantId],
    );
    log(`seeded ingestion's write model: ${spec.members.toLocaleString('en-US')} members`);
  }
  await client.query(`insert into rules_tenants (tenant_id, last_day_done, phase, phase_state) values ($1, $2, 'idle', '{}'::jsonb)`, [spec.tenantId, spec.lastDayDone]);
  // A long-lived table has its statistics and visibility map; a freshly filled one has neither.
  await client.query('vacuum (analyze) rules_buckets');
  await client.query('vacuum (analyze) rules_members');
  if (ingestion) {
    await client.query('vacuum (analyze) ingestion_buckets');
    await client.query('vacuum (analyze) ingestion_members');
    const checking = performance.now();
    await assertWriteModelsAgree(client, spec.tenantId);
    log(`ingestion's write model agrees with the rules tables bucket by bucket (checked in ${((performance.now() - checking) / 1_000).toFixed(1)} s)`);
  }
  const seedS = (performance.now() - started) / 1_000;
  log(`seeded and vacuumed in ${seedS.toFixed(1)} s; counting what the day must do`);
  return { ...(await expectation(client, spec)), seedS };
}

/** The two write models hold the same buckets (count, pending, points left, due dates) and members. */
async function assertWriteModelsAgree(client: Client, tenantId: string): Promise<void> {
  const { rows } = await client.query<Record<string, string>>(
    `select
       (select count(*) from rules_members where tenant_id = $1) as rules_members,
       (select count(*) from ingestion_members where tenant_id = $1 and enrolled) as ingestion_members,
       (select count(*) || '/' || count(*) filter (where pending) || '/' || sum(remaining) || '/' || count(*) filter (where expires_at is not null)
          from rules_buckets where tenant_id = $1) as rules_buckets,
       (select count(*) || '/' || count(*) filter (where pending) || '/' || sum(remaining) || '/' || count(*) filter (where expires_at is not null)
          from ingestion_buckets where tenant_id = $1 and not expired and owed = 0) as ingestion_buckets,
       (select count(*) from rules_buckets r join ingestion_buckets i using (tenant_id, bucket_id)
          where r.tenant_id = $1 and r.member_id = i.member_id and r.remaining = i.remaining and r.pending = i.pending
            and r.active_from = i.active_from::timestamptz and r.expires_at is not distinct from i.expires_at::timestamptz) as same_buckets`,
    [tenantId],
  );
  const row = rows[0] ?? {};
  const buckets = Number((row['rules_buckets'] ?? '0').split('/')[0]);
  if (row['rules_members'] !== row['ingestion_members'] || row['rules_buckets'] !== row['ingestion_buckets'] || Number(row['same_buckets']) !== buckets) {
    throw new Error(`the seeded write models disagree: ${JSON.stringify(row)}`);
  }
}

async function expectation(client: Client, spec: DaySeedSpec): Promise<Omit<DayExpectation, 'seedS'>> {
  const notHeld = `not (b.expires_at is not null and 'vip' = any(m.custom_tiers))`;
  const { rows } = await client.query<Record<string, string>>(
    `select
       (select count(*) from rules_members where tenant_id = $1) as members,
       (select count(*) from rules_buckets where tenant_id = $1) as buckets,
       (select count(*) from rules_buckets where tenant_id = $1 and pending and active_from <= $2) as activations,
       (select count(*) from rules_buckets b join rules_members m using (tenant_id, member_id)
         where b.tenant_id = $1 and not b.expired and b.expires_at <= $2 and ${notHeld}) as expiries,
       (select count(*) from rules_buckets b join rules_members m using (tenant_id, member_id)
         where b.tenant_id = $1 and not b.expired and not b.pending and b.remaining > 0 and b.expires_at > $2 and b.expires_at <= $3 and not b.warned and ${notHeld}) as warnings,
       (select count(*) from rules_members where tenant_id = $1 and offer_due_for is not null) as offers,
       (select count(distinct member_id) from rules_buckets where tenant_id = $1 and ((pending and active_from <= $2) or (not expired and expires_at <= $2))) as due_members,
       (select count(*) from (
          select member_id from rules_members where tenant_id = $1 and grace_until <= $2
          union select member_id from rules_members where tenant_id = $1 and offer_due_for is not null
          union select member_id from rules_buckets where tenant_id = $1 and not expired and not pending and remaining > 0 and expires_at > $2 and expires_at <= $3) d) as day_end_members`,
    [spec.tenantId, spec.dayStart, spec.windowEnd],
  );
  const tierRows = await client.query<{ tier: string; n: string }>('select tier, count(*) as n from rules_members where tenant_id = $1 group by tier', [spec.tenantId]);
  const row = rows[0] ?? {};
  const n = (key: string) => Number(row[key] ?? 0);
  return {
    members: n('members'),
    buckets: n('buckets'),
    activations: n('activations'),
    expiries: n('expiries'),
    warnings: n('warnings'),
    offers: n('offers'),
    dueMembers: n('due_members'),
    dayEndMembers: n('day_end_members'),
    tiers: Object.fromEntries(tierRows.rows.map((r) => [r.tier, Number(r.n)])),
  };
}
