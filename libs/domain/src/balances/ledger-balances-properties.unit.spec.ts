import fc from 'fast-check';
import { type BucketAmount, type EventMetadata } from '../events/generated/ledger-event.types';
import { type LedgerEvent, SCHEMA_VERSION } from '../events/ledger-event';
import { INITIAL_MEMBER_STATE } from '../member/member-state';
import { foldMember } from '../member/evolve-member';
import { type LedgerBalances, foldLedgerBalances } from './ledger-balances';

/**
 * Valid ledger streams from a script of steps, as the write side and the rules service would
 * decide them: spends and debits only take what active buckets hold, cancellations give back what
 * their redemption took, reversals beyond what a bucket holds become debt, earnings repay debt
 * first, activations make a pending bucket active with what is left of it, expiries take what is
 * left of an active bucket once, tiers change and custom tiers come and go, and some steps resend
 * an earlier event of the member. Ids repeat across tenants on purpose.
 */
const stepArb = fc.record({
  tenant: fc.constantFrom('acme', 'globex'),
  member: fc.integer({ min: 0, max: 4 }),
  kind: fc.constantFrom('earn', 'earn', 'earn', 'spend', 'spend', 'cancel', 'reverse', 'adjust', 'enrol', 'resend', 'activate', 'activate', 'expire', 'tier', 'assign', 'revoke'),
  points: fc.integer({ min: 1, max: 500 }),
  pending: fc.boolean(),
  currency: fc.constantFrom('permanent', 'temporary'),
  pick: fc.nat(),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

interface Bucket {
  readonly id: string;
  readonly currency: string;
  remaining: number;
  pending: boolean;
  expired: boolean;
}
interface Member {
  readonly buckets: Bucket[];
  readonly redemptions: { id: string; buckets: BucketAmount[]; cancelled: boolean }[];
  debt: number;
  readonly log: LedgerEvent[];
}

const AT = '2026-11-22T10:00:00.000Z';

function streamOf(steps: readonly Step[]): LedgerEvent[] {
  const members = new Map<string, Member>();
  const counters = new Map<string, number>();
  const next = (tenant: string) => {
    const n = (counters.get(tenant) ?? 0) + 1;
    counters.set(tenant, n);
    return n;
  };
  const events: LedgerEvent[] = [];
  for (const step of steps) {
    const memberId = `m-${step.member}`;
    const state = members.get(`${step.tenant}|${memberId}`) ?? { buckets: [], redemptions: [], debt: 0, log: [] };
    members.set(`${step.tenant}|${memberId}`, state);
    const n = next(step.tenant);
    const metadata: EventMetadata = { eventId: `e${n}`, tenantId: step.tenant, memberId, occurredAt: AT, recordedAt: AT, correlationId: `c${n}`, causationId: null, schemaVersion: SCHEMA_VERSION, programVersion: null };
    const spendable = state.buckets.filter((b) => !b.pending && b.remaining > 0);
    let event: LedgerEvent | undefined;
    switch (step.kind) {
      case 'earn': {
        const debtRecovered = Math.min(state.debt, step.points);
        state.debt -= debtRecovered;
        state.buckets.push({ id: `b${n}`, currency: step.currency, remaining: step.points - debtRecovered, pending: step.pending, expired: false });
        event = {
          type: 'PointsEarned',
          data: {
            bucketId: `b${n}`,
            currency: step.currency,
            points: step.points,
            basePoints: step.points,
            multiplierHundredths: 100,
            debtRecovered,
            earnedAt: AT,
            activeFrom: AT,
            pending: step.pending,
            expiresAt: null,
            source: { kind: 'PURCHASE', sourceId: `tx${n}`, lines: [] },
          },
          metadata,
        };
        break;
      }
      case 'spend': {
        const available = spendable.reduce((s, b) => s + b.remaining, 0);
        if (available === 0) break;
        let want = 1 + (step.pick % available);
        const taken: BucketAmount[] = [];
        for (const b of spendable) {
          if (want === 0) break;
          const take = Math.min(want, b.remaining);
          b.remaining -= take;
          want -= take;
          taken.push({ bucketId: b.id, points: take });
        }
        state.redemptions.push({ id: `r${n}`, buckets: taken, cancelled: false });
        event = { type: 'PointsSpent', data: { redemptionId: `r${n}`, points: taken.reduce((s, t) => s + t.points, 0), reward: null, buckets: taken }, metadata };
        break;
      }
      case 'cancel': {
        const open = state.redemptions.filter((r) => !r.cancelled);
        const redemption = open[step.pick % Math.max(1, open.length)];
        if (redemption === undefined) break;
        redemption.cancelled = true;
        for (const t of redemption.buckets) state.buckets.find((b) => b.id === t.bucketId)!.remaining += t.points;
        event = { type: 'RedemptionCancelled', data: { redemptionId: redemption.id, points: redemption.buckets.reduce((s, t) => s + t.points, 0), buckets: redemption.buckets }, metadata };
        break;
      }
      case 'reverse': {
        const bucket = state.buckets[step.pick % Math.max(1, state.buckets.length)];
        if (bucket === undefined) break;
        const take = Math.min(step.points, bucket.remaining);
        bucket.remaining -= take;
        state.debt += step.points - take;
        const buckets = take > 0 ? [{ bucketId: bucket.id, points: take }] : [];
        event = { type: 'PointsReversed', data: { returnId: `ret${n}`, transactionId: 'tx', points: step.points, buckets, writtenOff: 0, debt: step.points - take, lines: [] }, metadata };
        break;
      }
      case 'adjust': {
        const bucket = spendable[step.pick % Math.max(1, spendable.length)];
        if (bucket === undefined) break;
        const points = Math.min(step.points, bucket.remaining);
        bucket.remaining -= points;
        event = { type: 'PointsAdjusted', data: { adjustmentId: `adj${n}`, points, reason: 'correction', actor: 'ops', buckets: [{ bucketId: bucket.id, points }] }, metadata };
        break;
      }
      case 'activate': {
        const waiting = state.buckets.filter((b) => b.pending);
        const bucket = waiting[step.pick % Math.max(1, waiting.length)];
        if (bucket === undefined) break;
        bucket.pending = false;
        event = { type: 'PointsActivated', data: { bucketId: bucket.id, currency: bucket.currency, points: bucket.remaining, activatedAt: AT }, metadata };
        break;
      }
      case 'expire': {
        const live = state.buckets.filter((b) => !b.pending && !b.expired);
        const bucket = live[step.pick % Math.max(1, live.length)];
        if (bucket === undefined) break;
        const points = bucket.remaining;
        bucket.remaining = 0;
        bucket.expired = true;
        event = { type: 'PointsExpired', data: { bucketId: bucket.id, currency: bucket.currency, points, expiresAt: AT, expiredAt: AT }, metadata };
        break;
      }
      case 'tier': {
        const to = ['bronze', 'silver', 'gold'][step.pick % 3] ?? 'bronze';
        event = { type: 'TierChanged', data: { from: null, to, direction: 'UP', reason: 'EARNED', qualifyingPoints: 0, customTiers: [], changedAt: AT }, metadata };
        break;
      }
      case 'assign':
      case 'revoke': {
        const tier = step.pick % 2 === 0 ? 'vip' : 'employee';
        event = { type: step.kind === 'assign' ? 'CustomTierAssigned' : 'CustomTierRevoked', data: { tier }, metadata };
        break;
      }
      case 'enrol':
        event = { type: 'MemberEnrolled', data: { enrolledAt: AT, email: null, phone: null, loyaltyCardNumber: null }, metadata };
        break;
      case 'resend':
        event = state.log[step.pick % Math.max(1, state.log.length)];
        break;
    }
    if (event !== undefined) {
      events.push(event);
      state.log.push(event);
    }
  }
  return events;
}

const streamArb = fc.array(stepArb, { maxLength: 120 }).map(streamOf);

const memberOf = (e: LedgerEvent) => `${e.metadata.tenantId}|${e.metadata.memberId}`;
const sortedIds = (events: LedgerBalances['pointEvents']) => events.map((e) => `${e.tenantId}|${e.eventId}`).sort();
const withSortedIds = (r: LedgerBalances) => ({ ...r, pointEvents: sortedIds(r.pointEvents), tierEvents: sortedIds(r.tierEvents) });

describe('foldLedgerBalances (properties)', () => {
  it("the interleaving of members' logs does not change the result (only each member's own order is kept)", () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(), { minLength: 200, maxLength: 200 }), (events, choices) => {
        const queues = new Map<string, LedgerEvent[]>();
        for (const e of events) queues.set(memberOf(e), [...(queues.get(memberOf(e)) ?? []), e]);
        const interleaved: LedgerEvent[] = [];
        for (let i = 0; queues.size > 0; i++) {
          const keys = [...queues.keys()];
          const k = keys[(choices[i % choices.length] ?? 0) % keys.length]!;
          const queue = queues.get(k)!;
          interleaved.push(queue.shift()!);
          if (queue.length === 0) queues.delete(k);
        }
        const [a, b] = [foldLedgerBalances(events), foldLedgerBalances(interleaved)];
        expect(withSortedIds(b)).toEqual(withSortedIds(a));
      }),
    );
  });

  it('resending earlier events, anywhere later in the log, changes nothing', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30 }), (events, resends) => {
        const withResends = [...events];
        for (const [from, offset] of resends) {
          if (withResends.length === 0) break;
          const i = from % withResends.length;
          const at = i + 1 + (offset % (withResends.length - i));
          withResends.splice(at, 0, withResends[i]!);
        }
        expect(foldLedgerBalances(withResends)).toEqual(foldLedgerBalances(events));
      }),
    );
  });

  it('balances are the bucket remainders split by pending, never negative, and the points are conserved', () => {
    fc.assert(
      fc.property(streamArb, (events) => {
        const result = foldLedgerBalances(events);
        for (const balance of result.balances) {
          const own = result.buckets.filter((b) => b.tenantId === balance.tenantId && b.memberId === balance.memberId && b.currency === balance.currency);
          expect(balance.active + balance.pending).toBe(own.reduce((s, b) => s + b.remaining, 0));
          expect(balance.pending).toBe(own.filter((b) => b.pending).reduce((s, b) => s + b.remaining, 0));
          expect(balance.active).toBeGreaterThanOrEqual(0);
          expect(balance.pending).toBeGreaterThanOrEqual(0);
        }
        // Every bucket has its balance row; valid streams never overdraw a bucket.
        expect(result.balances.length).toBe(new Set(result.buckets.map((b) => `${b.tenantId}|${b.memberId}|${b.currency}`)).size);
        expect(result.buckets.every((b) => b.remaining >= 0 && b.remaining <= b.amount)).toBe(true);
        // The total is what the distinct events moved, counted from the events themselves.
        const seen = new Set<string>();
        let moved = 0;
        for (const e of events) {
          const id = `${e.metadata.tenantId}|${e.metadata.eventId}`;
          if (seen.has(id)) continue;
          seen.add(id);
          const sum = (buckets: readonly BucketAmount[]) => buckets.reduce((s, b) => s + b.points, 0);
          if (e.type === 'PointsEarned') moved += e.data.points - e.data.debtRecovered;
          if (e.type === 'PointsSpent' || e.type === 'PointsReversed' || e.type === 'PointsAdjusted') moved -= sum(e.data.buckets);
          if (e.type === 'RedemptionCancelled') moved += sum(e.data.buckets);
          if (e.type === 'PointsExpired') moved -= e.data.points;
        }
        expect(result.balances.reduce((s, b) => s + b.active + b.pending, 0)).toBe(moved);
      }),
    );
  });

  it("agrees with evolveMember on every bucket of a member's own log, and folding tenants apart equals folding them together", () => {
    fc.assert(
      fc.property(streamArb, (events) => {
        const result = foldLedgerBalances(events);
        const logs = new Map<string, LedgerEvent[]>();
        for (const e of events) logs.set(memberOf(e), [...(logs.get(memberOf(e)) ?? []), e]);
        for (const [member, log] of logs) {
          // evolveMember does not deduplicate: give it each event once, as the write side folds them.
          const distinct = log.filter((e, i) => log.findIndex((x) => x.metadata.eventId === e.metadata.eventId) === i);
          const state = foldMember(INITIAL_MEMBER_STATE, distinct);
          const ours = result.buckets.filter((b) => `${b.tenantId}|${b.memberId}` === member);
          expect(Object.fromEntries(ours.map((b) => [b.bucketId, [b.remaining, b.pending]]))).toEqual(
            Object.fromEntries(Object.values(state.buckets).map((b) => [b.bucketId, [b.remaining, b.pending]])),
          );
        }
        const apart = ['acme', 'globex'].map((t) => foldLedgerBalances(events.filter((e) => e.metadata.tenantId === t)));
        expect(result.balances).toEqual(apart.flatMap((r) => r.balances));
        expect(result.debts).toEqual(apart.flatMap((r) => r.debts));
      }),
    );
  });

  it('spending and cancelling redemptions never change qualifying points', () => {
    fc.assert(
      fc.property(streamArb, (events) => {
        const withoutSpending = events.filter((e) => e.type !== 'PointsSpent' && e.type !== 'RedemptionCancelled');
        expect(foldLedgerBalances(withoutSpending).standings).toEqual(foldLedgerBalances(events).standings);
      }),
    );
  });

  it('with nothing reversed or debited, qualifying points are the active points plus those spent (net of cancellations)', () => {
    // Expired points leave the bucket and the qualifying points alike; pending ones count for neither.
    const plainStreamArb = fc.array(stepArb.filter((step) => step.kind !== 'reverse' && step.kind !== 'adjust'), { maxLength: 120 }).map(streamOf);
    fc.assert(
      fc.property(plainStreamArb, (events) => {
        const result = foldLedgerBalances(events);
        const seen = new Set<string>();
        const spentBy = new Map<string, number>();
        for (const e of events) {
          const id = `${e.metadata.tenantId}|${e.metadata.eventId}`;
          if (seen.has(id)) continue;
          seen.add(id);
          const sum = (buckets: readonly BucketAmount[]) => buckets.reduce((s, b) => s + b.points, 0);
          if (e.type === 'PointsSpent') spentBy.set(memberOf(e), (spentBy.get(memberOf(e)) ?? 0) + sum(e.data.buckets));
          if (e.type === 'RedemptionCancelled') spentBy.set(memberOf(e), (spentBy.get(memberOf(e)) ?? 0) - sum(e.data.buckets));
        }
        for (const standing of result.standings) {
          const member = `${standing.tenantId}|${standing.memberId}`;
          const active = result.balances.filter((b) => `${b.tenantId}|${b.memberId}` === member).reduce((s, b) => s + b.active, 0);
          expect(standing.qualifyingPoints).toBe(active + (spentBy.get(member) ?? 0));
        }
      }),
    );
  });
});
