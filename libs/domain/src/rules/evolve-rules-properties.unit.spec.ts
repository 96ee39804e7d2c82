import fc from 'fast-check';
import { type LedgerEvent } from '../events/ledger-event';
import { evolveRules } from './evolve-rules';
import { type RulesView, initialRulesMember, isTracked } from './rules-state';
import { DAY, MEMBER, TENANT, activated, cancelled, debited, earned, expired, reversed, spent } from './test/rules-fixtures';

/**
 * Valid member logs from a script of steps, as the write side would decide them: spends and debits
 * take only what active buckets hold, a return takes what a bucket holds and writes off (or owes)
 * the rest when the points were already spent, pending points are only cancelled, activations and
 * expiries move what is left of a bucket, and the rules' own events are sometimes delivered twice.
 */
const stepArb = fc.record({
  kind: fc.constantFrom('earn', 'earn', 'earn', 'activate', 'spend', 'spend', 'cancel', 'reverse', 'debit', 'expire', 'redeliver'),
  points: fc.integer({ min: 1, max: 800 }),
  pending: fc.boolean(),
  expiring: fc.boolean(),
  pick: fc.nat(),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

interface ModelBucket {
  readonly id: string;
  remaining: number;
  pending: boolean;
  readonly expiring: boolean;
  expired: boolean;
  /** Earned pending or expiring: the rules had a reason to follow it. */
  readonly followed: boolean;
}

function logOf(steps: readonly Step[]): { events: LedgerEvent[]; buckets: ModelBucket[] } {
  const buckets: ModelBucket[] = [];
  const redemptions: { id: string; taken: [string, number][]; cancelled: boolean }[] = [];
  const own: LedgerEvent[] = [];
  const events: LedgerEvent[] = [];
  let debt = 0;
  const pickFrom = <T>(items: readonly T[], pick: number): T | undefined => items[pick % Math.max(1, items.length)];
  steps.forEach((step, n) => {
    const spendable = buckets.filter((b) => !b.pending && !b.expired && b.remaining > 0);
    switch (step.kind) {
      case 'earn': {
        const debtRecovered = step.pending ? 0 : Math.min(debt, step.points);
        debt -= debtRecovered;
        buckets.push({ id: `b${n}`, remaining: step.points - debtRecovered, pending: step.pending, expiring: step.expiring, expired: false, followed: step.pending || step.expiring });
        events.push(earned(`b${n}`, step.points, { pending: step.pending, activeFrom: DAY, expiresAt: step.expiring ? DAY : null, debtRecovered }));
        break;
      }
      case 'activate': {
        const bucket = pickFrom(buckets.filter((b) => b.pending), step.pick);
        if (bucket === undefined) break;
        bucket.pending = false;
        const event = activated(bucket.id, bucket.remaining, DAY);
        own.push(event);
        events.push(event);
        break;
      }
      case 'spend': {
        let want = 1 + (step.pick % Math.max(1, spendable.reduce((s, b) => s + b.remaining, 0)));
        const taken: [string, number][] = [];
        for (const b of spendable) {
          const take = Math.min(want, b.remaining);
          if (take === 0) break;
          b.remaining -= take;
          want -= take;
          taken.push([b.id, take]);
        }
        if (taken.length === 0) break;
        redemptions.push({ id: `r${n}`, taken, cancelled: false });
        events.push(spent(`r${n}`, taken));
        break;
      }
      case 'cancel': {
        const open = redemptions.filter((r) => !r.cancelled && r.taken.every(([id]) => !buckets.find((b) => b.id === id)!.expired));
        const redemption = pickFrom(open, step.pick);
        if (redemption === undefined) break;
        redemption.cancelled = true;
        for (const [id, points] of redemption.taken) buckets.find((b) => b.id === id)!.remaining += points;
        events.push(cancelled(redemption.id, redemption.taken));
        break;
      }
      case 'reverse': {
        const bucket = pickFrom(buckets.filter((b) => !b.expired), step.pick);
        if (bucket === undefined) break;
        const take = Math.min(step.points, bucket.remaining);
        // Pending points are simply cancelled; active ones already spent are written off or owed.
        const rest = bucket.pending ? 0 : step.points - take;
        if (take + rest === 0) break;
        bucket.remaining -= take;
        const owed = step.pick % 2 === 0 ? { writtenOff: rest } : { debt: rest };
        debt += owed.debt ?? 0;
        events.push(reversed(`ret${n}`, take > 0 ? [[bucket.id, take]] : [], owed));
        break;
      }
      case 'debit': {
        const bucket = pickFrom(spendable, step.pick);
        if (bucket === undefined) break;
        const points = 1 + (step.points % bucket.remaining);
        bucket.remaining -= points;
        events.push(debited(`adj${n}`, [[bucket.id, points]]));
        break;
      }
      case 'expire': {
        const bucket = pickFrom(buckets.filter((b) => b.expiring && !b.expired && !b.pending), step.pick);
        if (bucket === undefined) break;
        const event = expired(bucket.id, bucket.remaining, DAY, DAY);
        bucket.expired = true;
        bucket.remaining = 0;
        own.push(event);
        events.push(event);
        break;
      }
      case 'redeliver': {
        const event = pickFrom(own, step.pick);
        if (event !== undefined) events.push(event);
        break;
      }
    }
  });
  return { events, buckets };
}

const logArb = fc.array(stepArb, { maxLength: 80 }).map(logOf);

/**
 * Qualifying points read straight off the distinct events, per product.md: what was earned and is
 * active now (earned active, or pending and since activated, less what was cancelled while still
 * pending), less what expired, was returned after becoming active (spent or not) or was debited.
 */
function expectedQualifying(events: readonly LedgerEvent[]): number {
  const distinct = events.filter((e, i) => events.findIndex((x) => x.metadata.eventId === e.metadata.eventId) === i);
  const earnedPoints = new Map<string, number>();
  const cancelledWhilePending = new Map<string, number>();
  const pending = new Set<string>();
  let lost = 0;
  for (const e of distinct) {
    if (e.type === 'PointsEarned') {
      earnedPoints.set(e.data.bucketId, e.data.points);
      if (e.data.pending) pending.add(e.data.bucketId);
    } else if (e.type === 'PointsActivated') {
      pending.delete(e.data.bucketId);
    } else if (e.type === 'PointsReversed') {
      const fromPending = e.data.buckets.filter((b) => pending.has(b.bucketId));
      for (const b of fromPending) cancelledWhilePending.set(b.bucketId, (cancelledWhilePending.get(b.bucketId) ?? 0) + b.points);
      lost += e.data.points - fromPending.reduce((s, b) => s + b.points, 0);
    } else if (e.type === 'PointsExpired' || e.type === 'PointsAdjusted') {
      lost += e.data.points;
    }
  }
  let active = 0;
  for (const [bucketId, points] of earnedPoints) if (!pending.has(bucketId)) active += points - (cancelledWhilePending.get(bucketId) ?? 0);
  return active - lost;
}

const empty: RulesView = { member: initialRulesMember(TENANT, MEMBER), buckets: {} };
const tracked = (view: RulesView) => Object.fromEntries(Object.values(view.buckets).filter(isTracked).map((b) => [b.bucketId, b.remaining]));

describe('evolveRules (properties)', () => {
  it('qualifying points equal what the events say: active earned, less expired, returned after activation and debited; spending and redelivery change nothing', () => {
    fc.assert(
      fc.property(logArb, ({ events }) => {
        expect(events.reduce(evolveRules, empty).member.qualifying).toBe(expectedQualifying(events));
      }),
    );
  });

  it('tracked buckets are exactly the pending and the unexpired expiring ones, with what the write side holds, never negative', () => {
    fc.assert(
      fc.property(logArb, ({ events, buckets }) => {
        let view = empty;
        for (const event of events) {
          view = evolveRules(view, event);
          expect(Object.values(view.buckets).every((b) => b.remaining >= 0)).toBe(true);
        }
        const expected = buckets.filter((b) => b.pending || (b.expiring && !b.expired));
        expect(tracked(view)).toEqual(Object.fromEntries(expected.map((b) => [b.id, b.remaining])));
        const followed = new Set(buckets.filter((b) => b.followed).map((b) => b.id));
        expect(Object.keys(view.buckets).filter((id) => !followed.has(id))).toEqual([]);
      }),
    );
  });

  it('dropping buckets as soon as they are no longer tracked changes neither qualifying points nor the tracked buckets', () => {
    fc.assert(
      fc.property(logArb, ({ events }) => {
        const full = events.reduce(evolveRules, empty);
        const pruned = events.reduce((view, event) => {
          const next = evolveRules(view, event);
          return { ...next, buckets: Object.fromEntries(Object.entries(next.buckets).filter(([, b]) => isTracked(b))) };
        }, empty);
        expect(pruned.member).toEqual(full.member);
        expect(tracked(pruned)).toEqual(tracked(full));
      }),
    );
  });
});
