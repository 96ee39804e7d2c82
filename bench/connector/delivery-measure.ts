// How the connector's stages are timed, from outside the process:
// - the feed (ledger → public topic): `loyalty_connector_feed_published_total`, scraped every 100 ms,
//   from the feed group's join (Kafka reports the group `Stable` with a member, polled every 50 ms)
//   to the scrape that sees the last event;
// - a destination: `loyalty_connector_sent_total{destination}` (events the vendor accepted and the
//   journal recorded as delivered), scraped every 100 ms, from the first scrape that sees a delivery
//   to the one that sees the last (a drain), or over a fixed window after the first delivery. The
//   stubs' own counters are read at the end to check them: every item accepted once, nothing
//   refused, no duplicate event id.
import { type Admin } from 'kafkajs';
import { sleep } from '../shared/service-process';
import { type ConnectorCounters, type ServiceProcess, connectorCounters } from './service-processes';

export const SCRAPE_MS = 100;

/** performance.now() once Kafka reports `groupId` Stable with a member. */
export async function waitForGroupStable(admin: Admin, groupId: string, timeoutMs: number, alive: () => boolean): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    if (group?.state === 'Stable' && group.members.length > 0) return performance.now();
    if (!alive()) throw new Error(`the process exited before joining ${groupId}`);
    if (performance.now() > deadline) throw new Error(`${groupId} was not Stable within ${Math.round(timeoutMs / 1000)} s (state ${group?.state ?? 'unknown'})`);
    await sleep(50);
  }
}

export interface FeedResult {
  readonly events: number;
  readonly joinedAt: number;
  readonly firstAt: number | undefined;
  readonly doneAt: number | undefined;
  readonly error: string | undefined;
}

/** Scrapes the feed counter until it reaches `expected` (or a timeout, a stall, a dead process). */
export async function measureFeed(connector: ServiceProcess, joinedAt: number, expected: number, timeoutS: number, stallS: number): Promise<FeedResult> {
  let last = 0;
  let firstAt: number | undefined;
  let progressAt = joinedAt;
  for (;;) {
    const now = performance.now();
    if (!connector.alive()) return { events: last, joinedAt, firstAt, doneAt: undefined, error: `the connector exited:\n${connector.logTail()}` };
    const counters = await connectorCounters(connector);
    if (counters.feedPublished > last) {
      last = counters.feedPublished;
      firstAt ??= now;
      progressAt = now;
    }
    if (last >= expected) return { events: last, joinedAt, firstAt, doneAt: now, error: undefined };
    if (now - joinedAt > timeoutS * 1_000) return { events: last, joinedAt, firstAt, doneAt: undefined, error: `the feed published ${last} of ${expected} events within ${timeoutS} s` };
    if (now - progressAt > stallS * 1_000) return { events: last, joinedAt, firstAt, doneAt: undefined, error: `the feed made no progress for ${stallS} s at ${last} of ${expected} events` };
    await sleep(SCRAPE_MS);
  }
}

export interface DestinationTrack {
  readonly name: string;
  /** Events it must deliver in all (a drain ends when every destination has them). */
  readonly expected: number;
}

export interface DestinationFigures {
  readonly name: string;
  /** Events delivered in the measured span. */
  readonly events: number;
  /** Requests answered in the measured span (the connector's request histogram). */
  readonly requests: number;
  /** Seconds of the measured span: first delivery to last (drain) or the window. */
  readonly spanS: number;
  readonly firstAt: number | undefined;
  readonly endAt: number | undefined;
  /** Mean request duration in the span, ms (the connector's own measure, rate-limit waits excluded). */
  readonly meanRequestMs: number | undefined;
  readonly failed: number;
  readonly retried: number;
  readonly complete: boolean;
}

export interface DeliveryResult {
  readonly destinations: readonly DestinationFigures[];
  readonly error: string | undefined;
  readonly final: ConnectorCounters | undefined;
}

interface Sample {
  readonly at: number;
  readonly counters: ConnectorCounters;
}

const get = (m: ReadonlyMap<string, number>, k: string) => m.get(k) ?? 0;

/**
 * Scrapes the connector until every destination has delivered what it must (`windowS` undefined), or
 * until each has had `windowS` seconds after its first delivery. A failed (dead-lettered) event, a
 * dead process, a stall or the timeout ends it with an error.
 */
export async function measureDelivery(connector: ServiceProcess, tracks: readonly DestinationTrack[], options: { windowS?: number; timeoutS: number; stallS: number }): Promise<DeliveryResult> {
  const windowMs = options.windowS === undefined ? undefined : options.windowS * 1_000;
  const started = performance.now();
  const samples: Sample[] = [];
  const firstAt = new Map<string, number>();
  const doneAt = new Map<string, number>();
  let progressAt = started;
  let lastTotal = 0;
  let error: string | undefined;
  for (;;) {
    const now = performance.now();
    if (!connector.alive()) {
      error = `the connector exited:\n${connector.logTail()}`;
      break;
    }
    const counters = await connectorCounters(connector);
    samples.push({ at: now, counters });
    let total = 0;
    for (const t of tracks) {
      const sent = get(counters.sent, t.name);
      total += sent;
      if (sent > 0 && !firstAt.has(t.name)) firstAt.set(t.name, now);
      if (sent >= t.expected && !doneAt.has(t.name)) doneAt.set(t.name, now);
      const failed = get(counters.failed, t.name);
      if (failed > 0 && error === undefined) error = `${t.name}: ${failed} events dead-lettered (see .stack/logs/bench-connector-*.log)`;
    }
    if (error !== undefined) break;
    if (total > lastTotal) {
      lastTotal = total;
      progressAt = now;
    }
    const windowDone = windowMs !== undefined && tracks.every((t) => doneAt.has(t.name) || (firstAt.get(t.name) ?? Infinity) + windowMs <= now);
    if (tracks.every((t) => doneAt.has(t.name)) || windowDone) break;
    if (now - started > options.timeoutS * 1_000) {
      error = `not delivered within ${options.timeoutS} s (${tracks.map((t) => `${t.name} ${get(counters.sent, t.name)} of ${t.expected}`).join(', ')})`;
      break;
    }
    if (now - progressAt > options.stallS * 1_000) {
      error = `no delivery for ${options.stallS} s (${tracks.map((t) => `${t.name} ${get(counters.sent, t.name)} of ${t.expected}`).join(', ')})`;
      break;
    }
    await sleep(SCRAPE_MS);
  }
  const at = (t: number | undefined) => (t === undefined ? undefined : samples.find((s) => s.at >= t));
  const destinations = tracks.map((t): DestinationFigures => {
    const first = at(firstAt.get(t.name));
    const done = doneAt.get(t.name);
    // A window ends at the first scrape past it; a drain at the scrape that saw the last event.
    const end = done !== undefined ? at(done) : first === undefined ? undefined : windowMs === undefined ? samples.at(-1) : (samples.find((s) => s.at >= first.at + windowMs) ?? samples.at(-1));
    // Differences between two scrapes: what the first scrape already counted is left out, as is its time.
    const diff = (key: keyof Pick<ConnectorCounters, 'sent' | 'requests' | 'requestSeconds'>) =>
      first === undefined || end === undefined ? 0 : get(end.counters[key], t.name) - get(first.counters[key], t.name);
    const events = diff('sent');
    const requests = diff('requests');
    const seconds = diff('requestSeconds');
    const spanS = first === undefined || end === undefined ? 0 : (end.at - first.at) / 1_000;
    return {
      name: t.name,
      events,
      requests,
      spanS,
      firstAt: first?.at,
      endAt: end?.at,
      meanRequestMs: requests > 0 ? (seconds / requests) * 1_000 : undefined,
      failed: end === undefined ? 0 : get(end.counters.failed, t.name),
      retried: end === undefined ? 0 : get(end.counters.retried, t.name),
      complete: doneAt.has(t.name),
    };
  });
  return { destinations, error, final: samples.at(-1)?.counters };
}
