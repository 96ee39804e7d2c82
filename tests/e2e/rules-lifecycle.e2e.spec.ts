import { createDatabase } from '@loyalty/db';
import { DEFAULT_PROGRAM, type LedgerEvent, type LedgerEventOf, tenantDayOf } from '@loyalty/domain';
import { type TestSystem, eventually, readLedger, startTestSystem, uniqueTestId } from '@loyalty/testing';
import { sql } from 'kysely';

const DAY = 86_400_000;

/**
 * The seeds' use case end to end on the real stack (ingestion, rules, Kafka, Postgres), with the
 * services' clock moved forward: a member reaches Gold when pending purchase points are activated,
 * is warned that temporary points expire and that Gold is at risk, loses Gold when they expire,
 * and gets a re-engagement offer. Events in, events out: everything is read back from the log.
 */
describe('rules: tiers, activation, expiry, warnings and re-engagement from the log', () => {
  let system: TestSystem;
  const memberId = uniqueTestId('m');
  const ofMember = async (): Promise<LedgerEvent[]> => (await readLedger(system.kafka)).filter((e) => e.metadata.memberId === memberId && e.metadata.tenantId === 'acme');
  const types = (events: readonly LedgerEvent[]) => events.map((e) => e.type);
  const until = (what: string, probe: (events: LedgerEvent[]) => boolean, timeoutMs = 60_000) =>
    eventually(async () => {
      const events = await ofMember();
      return probe(events) ? events : undefined;
    }, what, timeoutMs);

  beforeAll(async () => {
    system = await startTestSystem({ tenants: ['acme'], programs: { acme: { pendingDays: 2 } }, rules: true });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('takes a member to Gold, warns, downgrades through expiry and offers re-engagement, each event once', async () => {
    const t0 = system.clock.now();
    expect((await system.post('/v1/members', { tenantId: 'acme', memberId, enrolledAt: t0, email: 'ada@example.com' })).status).toBe(202);
    for (const n of [1, 2, 3, 4]) {
      const at = new Date(Date.parse(t0) + n * 1_000).toISOString();
      expect((await system.post('/v1/activities', { tenantId: 'acme', activityId: `review-${memberId}-${n}`, memberId, activityType: 'review-written', occurredAt: at })).status).toBe(202);
    }
    const purchase = {
      tenantId: 'acme',
      transactionId: uniqueTestId('tx'),
      memberId,
      occurredAt: new Date(Date.parse(t0) + 10_000).toISOString(),
      channel: 'web',
      currency: 'EUR',
      lines: [{ lineId: 'l1', sku: 'BOOK-1', category: 'books', quantity: 1, unitPriceMinor: 490_000 }],
    };
    expect((await system.post('/v1/purchases', purchase)).status).toBe(202);

    // Enrolment puts the member in Bronze; 200 temporary points are not enough for Silver, and the
    // 4,900 purchase points are pending.
    const enrolled = await until('Bronze on enrolment', (events) => events.some((e) => e.type === 'TierChanged'));
    expect(enrolled.filter((e) => e.type === 'TierChanged').map((e) => e.data)).toEqual([expect.objectContaining({ from: null, to: 'bronze', direction: 'UP', reason: 'ENROLLED' })]);

    // Three days later the return window is over: activated at the day boundary, the member is Gold.
    system.clock.advance(3 * DAY);
    const gold = await until('Gold after activation', (events) => events.some((e) => e.type === 'TierChanged' && e.data.to === 'gold'));
    const activated = gold.filter((e): e is LedgerEventOf<'PointsActivated'> => e.type === 'PointsActivated');
    expect(activated.map((e) => e.data.points)).toEqual([4_900]);
    const toGold = gold.find((e): e is LedgerEventOf<'TierChanged'> => e.type === 'TierChanged' && e.data.to === 'gold');
    expect(toGold?.data).toMatchObject({ from: 'bronze', direction: 'UP', reason: 'EARNED', qualifyingPoints: 5_100 });
    expect(types(gold).indexOf('PointsActivated')).toBeLessThan(types(gold).lastIndexOf('TierChanged'));

    // 85 days in, the temporary points expire within the 7-day window: one warning per bucket, and
    // Gold is at risk (5,100 - 150 < 5,000 once the third bucket expires).
    system.clock.advance(82 * DAY);
    const warned = await until('expiry warnings and the downgrade risk', (events) => events.some((e) => e.type === 'TierDowngradeRisk'));
    const warnings = warned.filter((e): e is LedgerEventOf<'PointsExpiringSoon'> => e.type === 'PointsExpiringSoon');
    expect(warnings.map((e) => e.data.points)).toEqual([50, 50, 50, 50]);
    const risk = warned.find((e): e is LedgerEventOf<'TierDowngradeRisk'> => e.type === 'TierDowngradeRisk');
    expect(risk?.data).toMatchObject({ reason: 'POINTS_EXPIRING', tier: 'gold', downgradeTo: 'silver', pointsNeeded: 50, qualifyingPoints: 5_100, expiringPoints: 150 });
    expect(Date.parse(risk?.data.deadline ?? '')).toBe(Date.parse(warnings[2]?.data.expiresAt ?? ''));
    expect(types(warned).lastIndexOf('PointsExpiringSoon')).toBeLessThan(types(warned).indexOf('TierDowngradeRisk'));

    // A week later they expired: Gold is lost through expiry, and a re-engagement offer follows.
    system.clock.advance(7 * DAY);
    const lost = await until('the offer after losing Gold', (events) => events.some((e) => e.type === 'ReengagementOfferGranted'));
    const expired = lost.filter((e): e is LedgerEventOf<'PointsExpired'> => e.type === 'PointsExpired');
    expect(expired.map((e) => e.data.points)).toEqual([50, 50, 50, 50]);
    const down = lost.find((e): e is LedgerEventOf<'TierChanged'> => e.type === 'TierChanged' && e.data.direction === 'DOWN');
    expect(down?.data).toMatchObject({ from: 'gold', to: 'silver', reason: 'EXPIRED', qualifyingPoints: 4_900 });
    const offer = lost.find((e): e is LedgerEventOf<'ReengagementOfferGranted'> => e.type === 'ReengagementOfferGranted');
    expect(offer?.data).toMatchObject({ activityType: 'product-usage', bonusPoints: 200 });
    expect(Date.parse(offer?.data.validUntil ?? '') - Date.parse(offer?.data.validFrom ?? '')).toBe(14 * DAY);
    const order = types(lost);
    expect(order.lastIndexOf('PointsExpired')).toBeLessThan(order.indexOf('ReengagementOfferGranted'));
    expect(order.lastIndexOf('PointsExpired')).toBeLessThan(lost.indexOf(down as LedgerEvent));
    expect(lost.indexOf(down as LedgerEvent)).toBeLessThan(order.indexOf('ReengagementOfferGranted'));

    // The query API shows what the log says: Silver now, 100 points short of Gold again.
    const balance = await eventually(async () => {
      const response = await fetch(`${system.projector.baseUrl}/v1/members/${memberId}/balance`, { headers: { 'x-api-key': system.credentials.apiKeys['acme'] ?? '' } });
      const body = (await response.json()) as { tier?: { id: string }; qualifyingPoints?: number; nextTier?: { id: string; pointsNeeded: number }; total?: { expired: number; active: number } };
      return body.tier?.id === 'silver' && body.total?.expired === 200 ? body : undefined;
    }, 'the projected balance');
    expect(balance).toMatchObject({ qualifyingPoints: 4_900, nextTier: { id: 'gold', pointsNeeded: 100 }, total: { active: 4_900, expired: 200 } });

    // Every event once: no event id appears twice in the log.
    const ids = lost.map((e) => e.metadata.eventId);
    expect(new Set(ids).size).toBe(ids.length);

    // Running the last ten days again (as after a crash or an operator's re-run) appends nothing.
    const db = createDatabase(system.database, 'rules-e2e');
    try {
      // First the days up to today done (the last one may still be running its steps).
      const lastDay = tenantDayOf(system.clock.now(), DEFAULT_PROGRAM.timeZone);
      const dayDone = async () => {
        const row = await sql<{ last_day_done: string; phase: string }>`select last_day_done, phase from rules_tenants where tenant_id = 'acme'`.execute(db);
        return row.rows[0]?.last_day_done === lastDay && row.rows[0]?.phase === 'idle' ? true : undefined;
      };
      await eventually(dayDone, 'today done');
      const rewound = new Date(Date.parse(`${lastDay}T00:00:00Z`) - 10 * DAY).toISOString().slice(0, 10);
      await sql`update rules_tenants set last_day_done = ${rewound}, phase = 'idle', phase_state = '{}' where tenant_id = 'acme'`.execute(db);
      await eventually(dayDone, 'the re-run days');
    } finally {
      await db.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const again = await ofMember();
    expect(again.map((e) => e.metadata.eventId)).toEqual(ids);
  });
});
