// Purchase → tier change at the vendor, under load. The real ingestion, rules and connector run as
// processes of the run's own, on one database and the run's `e2e` topic prefix, the connector
// delivering to Bloomreach (batches of 50 commands), Braze (75 objects) and a signed webhook (one
// request per event), all at the stubs. Two paths are timed, both ending at the stub's `receivedAt`
// of the `tier_changed` item (the stub stamps it when the request arrives):
// - full path, for BENCH_LATENCY_SAMPLES members enrolled through ingestion beforehand: a
//   storefront purchase (`POST /v1/purchases`, €400 of ski equipment, 1,200 points, enough for
//   Silver at once) → ingestion appends PurchaseRecorded + PointsEarned → rules decides TierChanged
//   and appends it → the connector's feed publishes tier_changed → each destination delivers it.
//   Timed from just before the POST is sent.
// - rules + connector, for the background members: the background load publishes PointsEarned
//   straight to the ledger at BENCH_LATENCY_RATE events/s (KafkaEventPublisher, Avro), and when a
//   member's points cross 1,000 or 5,000 the rules service decides the change. Timed from just
//   before the send of the crossing event (its recordedAt).
// The background load runs for BENCH_LATENCY_S; the samples are spread evenly over it.
import { randomUUID } from 'node:crypto';
import { type LedgerEvent } from '@loyalty/domain';
import { type KafkaEventPublisher } from '@loyalty/kafka';
import { percentile } from '../shared/percentile';
import { sleep } from '../shared/service-process';
import { type DestinationSpec, EVENT_NAMES } from './destinations';
import { enrolment, memberEmail, pointsEarned, seeded } from './connector-workload';
import { CpuMeter, type CpuShares, type Watched } from './cpu-meter';
import { type ConnectorCounters, type ServiceProcess, connectorCounters } from './service-processes';
import { type ReceivedItem, type StubVendor, type VendorStubs } from './vendor-stubs-process';

export const TIER_THRESHOLDS = [
  { id: 'silver', threshold: 1_000 },
  { id: 'gold', threshold: 5_000 },
] as const;

export interface LatencyDistribution {
  readonly n: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Expected tier changes never seen at the stub. */
  readonly missing: number;
  /** The same tier changes split at the rules service's decision (the TierChanged's recordedAt): before it, and from it to the stub. */
  readonly toDecision: { readonly p50Ms: number; readonly p99Ms: number };
  readonly afterDecision: { readonly p50Ms: number; readonly p99Ms: number };
}

export interface LatencyResult {
  readonly fullPath: ReadonlyMap<string, LatencyDistribution>;
  readonly rulesAndConnector: ReadonlyMap<string, LatencyDistribution>;
  readonly background: { readonly published: number; readonly seconds: number; readonly crossings: number; readonly maxLagMs: number };
  readonly samples: { readonly sent: number; readonly failed: number; readonly firstError: string | undefined; readonly p50Ms: number; readonly p99Ms: number };
  /** Events each destination delivered during the window, per second. */
  readonly deliveredPerS: ReadonlyMap<string, number>;
  readonly drainS: number;
  /** Where the CPU went during the window. */
  readonly cpu: CpuShares;
}

export interface LatencySpec {
  readonly tenantId: string;
  readonly runId: string;
  readonly rate: number;
  readonly seconds: number;
  readonly samples: number;
  readonly backgroundMembers: number;
  readonly ingestion: ServiceProcess;
  readonly connector: ServiceProcess;
  readonly apiKey: string;
  readonly stubs: VendorStubs;
  readonly publisher: KafkaEventPublisher;
  readonly destinations: readonly DestinationSpec[];
  readonly watched: Watched;
}

const VENDOR_OF: Readonly<Record<DestinationSpec['vendor'], StubVendor>> = { bloomreach: 'bloomreach', braze: 'braze', voucherify: 'voucherify', webhook: 'webhooks' };

/** The tier id a stub item carries, the member it is for, and when the ledger recorded the tier change (ms). */
function tierItem(vendor: DestinationSpec['vendor'], item: ReceivedItem): { memberId: string; tier: string | undefined; recordedAt: number } {
  const payload = item.payload as { properties?: { tier_id?: unknown; recorded_at?: unknown }; data?: { tier?: { id?: unknown } | null; recordedAt?: unknown } };
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  if (vendor === 'webhook') return { memberId: item.customerId, tier: text(payload.data?.tier?.id), recordedAt: Date.parse(text(payload.data?.recordedAt) ?? '') };
  const memberId = vendor === 'bloomreach' ? item.customerId.replace(/@bench\.example\.com$/, '') : item.customerId;
  return { memberId, tier: text(payload.properties?.tier_id), recordedAt: Date.parse(text(payload.properties?.recorded_at) ?? '') };
}

interface Arrival {
  readonly receivedAt: number;
  readonly recordedAt: number;
}

function distribution(arrivals: readonly (Arrival & { sentAt: number })[], missing: number): LatencyDistribution {
  const sortedOf = (f: (a: Arrival & { sentAt: number }) => number) => arrivals.map(f).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const sorted = sortedOf((a) => a.receivedAt - a.sentAt);
  const before = sortedOf((a) => a.recordedAt - a.sentAt);
  const after = sortedOf((a) => a.receivedAt - a.recordedAt);
  return {
    n: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
    missing,
    toDecision: { p50Ms: percentile(before, 50), p99Ms: percentile(before, 99) },
    afterDecision: { p50Ms: percentile(after, 50), p99Ms: percentile(after, 99) },
  };
}

async function post(url: string, apiKey: string, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  return { status: response.status, text: await response.text() };
}

/** Waits until every destination's delivered count stops moving for `quietMs` (or `timeoutMs`). */
async function waitQuiet(connector: ServiceProcess, names: readonly string[], minimum: number, quietMs: number, timeoutMs: number): Promise<ConnectorCounters> {
  const deadline = performance.now() + timeoutMs;
  let last = '';
  let since = performance.now();
  for (;;) {
    const counters = await connectorCounters(connector);
    const key = names.map((n) => counters.sent.get(n) ?? 0).join(',');
    const reached = names.every((n) => (counters.sent.get(n) ?? 0) >= minimum);
    if (key !== last) {
      last = key;
      since = performance.now();
    } else if (reached && performance.now() - since >= quietMs) {
      return counters;
    }
    if (!connector.alive()) throw new Error(`the connector exited:\n${connector.logTail()}`);
    if (performance.now() > deadline) return counters;
    await sleep(250);
  }
}

export async function measureLatency(spec: LatencySpec): Promise<LatencyResult> {
  const { tenantId, runId, stubs, publisher } = spec;
  const names = spec.destinations.map((d) => d.name);
  const random = seeded(11);

  // 1. Members: the samples through ingestion (with an e-mail, as a storefront enrols them), the
  //    background members straight onto the ledger. The rules service gives each Bronze, which
  //    every destination then receives: once that has settled, the window starts.
  const sampleIds = Array.from({ length: spec.samples }, (_, i) => `bc-${runId}-s${i}`);
  const backgroundIds = Array.from({ length: spec.backgroundMembers }, (_, i) => `bc-${runId}-bg${i}`);
  const enrolledAt = new Date().toISOString();
  console.error(`[bench] latency: enrolling ${sampleIds.length} sample members through ingestion and ${backgroundIds.length} background members on the ledger`);
  for (let i = 0; i < sampleIds.length; i += 16) {
    const answers = await Promise.all(
      sampleIds.slice(i, i + 16).map((memberId) => post(`${spec.ingestion.baseUrl}/v1/members`, spec.apiKey, { tenantId, memberId, enrolledAt, email: memberEmail(memberId) })),
    );
    const bad = answers.find((a) => a.status >= 300);
    if (bad !== undefined) throw new Error(`ingestion answered ${bad.status} to an enrolment: ${bad.text.slice(0, 300)}`);
  }
  for (let i = 0; i < backgroundIds.length; i += 1_000) await publisher.publish(backgroundIds.slice(i, i + 1_000).map((id) => enrolment(tenantId, id, enrolledAt)));
  const enrolled = sampleIds.length + backgroundIds.length;
  const before = await waitQuiet(spec.connector, names, enrolled, 3_000, 180_000);
  for (const name of names) if ((before.sent.get(name) ?? 0) < enrolled) throw new Error(`${name} delivered ${before.sent.get(name) ?? 0} of the ${enrolled} enrolment tier changes within 180 s`);
  await stubs.reset();

  // 2. The window: background load at `rate`, samples spread evenly over it.
  const points = new Map<string, number>();
  const crossingAt = new Map<string, number>(); // `${member}|${tier}` → wall-clock ms of the send
  let published = 0;
  let maxLagMs = 0;
  const windowMs = spec.seconds * 1_000;
  const meter = new CpuMeter(spec.watched);
  const started = performance.now();
  const background = (async () => {
    while (performance.now() - started < windowMs) {
      const elapsed = performance.now() - started;
      const due = Math.floor((elapsed / 1_000) * spec.rate) - published;
      if (due <= 0) {
        await sleep(5);
        continue;
      }
      // Behind by more than a second's worth: the publisher cannot keep up; say so in the result.
      maxLagMs = Math.max(maxLagMs, (due / spec.rate) * 1_000);
      const sendAt = Date.now();
      const at = new Date(sendAt).toISOString();
      const chunk: LedgerEvent[] = [];
      for (let k = 0; k < Math.min(due, 2_000); k += 1) {
        const memberId = backgroundIds[Math.floor(random() * backgroundIds.length)] ?? '';
        const earned = 100 + Math.floor(random() * 201);
        const before = points.get(memberId) ?? 0;
        const after = before + earned;
        points.set(memberId, after);
        for (const t of TIER_THRESHOLDS) if (before < t.threshold && after >= t.threshold) crossingAt.set(`${memberId}|${t.id}`, sendAt);
        chunk.push(pointsEarned(tenantId, memberId, earned, at));
      }
      await publisher.publish(chunk);
      published += chunk.length;
    }
  })();
  const sampleSent = new Map<string, number>();
  const sampleAnswerMs: number[] = [];
  let sampleFailed = 0;
  let sampleError: string | undefined;
  const samples = (async () => {
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < sampleIds.length; i += 1) {
      const memberId = sampleIds[i] ?? '';
      const due = started + ((i + 0.5) * windowMs) / sampleIds.length;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      inFlight.push(
        (async () => {
          const body = {
            tenantId,
            transactionId: `bc-${runId}-p${i}-${randomUUID().slice(0, 8)}`,
            memberId,
            occurredAt: new Date().toISOString(),
            channel: 'web',
            currency: 'EUR',
            lines: [{ lineId: '1', sku: 'SKI-400', category: 'ski-equipment', quantity: 1, unitPriceMinor: 40_000, discountMinor: 0 }],
          };
          const sentAt = Date.now();
          const begun = performance.now();
          try {
            const answer = await post(`${spec.ingestion.baseUrl}/v1/purchases`, spec.apiKey, body);
            sampleAnswerMs.push(performance.now() - begun);
            if (answer.status >= 300) {
              sampleFailed += 1;
              sampleError ??= `HTTP ${answer.status}: ${answer.text.slice(0, 300)}`;
            } else sampleSent.set(memberId, sentAt);
          } catch (error) {
            sampleFailed += 1;
            sampleError ??= (error as Error).message;
          }
        })(),
      );
    }
    await Promise.all(inFlight);
  })();
  const windowStart = await connectorCounters(spec.connector);
  await Promise.all([background, samples]);
  const windowEnd = await connectorCounters(spec.connector);
  const cpu = meter.read();
  const windowS = (performance.now() - started) / 1_000;
  console.error(`[bench] latency: window over (${published.toLocaleString('en-US')} background events in ${windowS.toFixed(1)} s, ${sampleSent.size} purchases); waiting for the destinations to drain`);

  // 3. Drain: everything published must reach the stubs before they are read.
  const drainStart = performance.now();
  // Each destination gets every background event, each purchase's points and Silver, and each crossing.
  const expected = Math.max(...names.map((n) => before.sent.get(n) ?? 0)) + published + 2 * sampleSent.size + crossingAt.size;
  await waitQuiet(spec.connector, names, expected, 2_000, 120_000);
  const drainS = (performance.now() - drainStart) / 1_000;

  const fullPath = new Map<string, LatencyDistribution>();
  const rulesAndConnector = new Map<string, LatencyDistribution>();
  for (const d of spec.destinations) {
    const name = d.vendor === 'webhook' ? 'tier_changed' : EVENT_NAMES.tier_changed;
    const items = await stubs.received(VENDOR_OF[d.vendor], { name });
    const seen = new Map<string, Arrival>();
    for (const item of items) {
      const { memberId, tier, recordedAt } = tierItem(d.vendor, item);
      if (tier === undefined) continue;
      const key = `${memberId}|${tier}`;
      const receivedAt = Date.parse(item.receivedAt);
      // The first arrival counts (a redelivery would be later).
      if (receivedAt < (seen.get(key)?.receivedAt ?? Infinity)) seen.set(key, { receivedAt, recordedAt });
    }
    const full: (Arrival & { sentAt: number })[] = [];
    let fullMissing = 0;
    for (const [memberId, sentAt] of sampleSent) {
      const arrival = seen.get(`${memberId}|silver`);
      if (arrival === undefined) fullMissing += 1;
      else full.push({ ...arrival, sentAt });
    }
    const bg: (Arrival & { sentAt: number })[] = [];
    let bgMissing = 0;
    for (const [key, sentAt] of crossingAt) {
      const arrival = seen.get(key);
      if (arrival === undefined) bgMissing += 1;
      else bg.push({ ...arrival, sentAt });
    }
    fullPath.set(d.name, distribution(full, fullMissing));
    rulesAndConnector.set(d.name, distribution(bg, bgMissing));
  }
  const sortedAnswers = [...sampleAnswerMs].sort((a, b) => a - b);
  const deliveredPerS = new Map(names.map((n) => [n, ((windowEnd.sent.get(n) ?? 0) - (windowStart.sent.get(n) ?? 0)) / windowS]));
  return {
    fullPath,
    rulesAndConnector,
    background: { published, seconds: windowS, crossings: crossingAt.size, maxLagMs },
    samples: { sent: sampleIds.length, failed: sampleFailed, firstError: sampleError, p50Ms: percentile(sortedAnswers, 50), p99Ms: percentile(sortedAnswers, 99) },
    deliveredPerS,
    drainS,
    cpu,
  };
}
