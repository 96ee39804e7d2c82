// Phase 6: the read side under a write load. The dev stack's own projector answers
// GET /v1/members/{id}/balance at a fixed rate while ingestion records single purchases at a
// moderate fixed rate (so the projector is applying while it answers). The members queried are
// created first through ingestion (POST /v1/purchases, the same bodies as the ingestion benchmark),
// and the phase starts only once the projector has every one of them: a 404 would be a failure.
import { benchMemberId, purchaseFactory } from '../shared/purchase-factory';
import { type RegisterCleanup } from '../shared/cleanup';
import { type RateLimitedResult, startRateLimited } from './rate-limited-load';

export interface BalanceQuerySpec {
  readonly ingestionUrl: string;
  readonly queryUrl: string;
  readonly apiKey: string;
  readonly tenantId: string;
  readonly runId: string;
  readonly members: number;
  readonly queryRate: number;
  readonly queryConnections: number;
  readonly ingestRate: number;
  readonly ingestConnections: number;
  readonly warmupS: number;
  readonly durationS: number;
  readonly timeoutS: number;
  /** Waits for a quiet CPU after the seeding (the projector applies what it was sent). */
  readonly settle: () => Promise<unknown>;
  /** Called right before the measured load starts (peak RSS reset). */
  readonly onLoadStart: () => void;
  readonly registerStop: RegisterCleanup;
}

export interface BalanceQueryResult {
  readonly queries: RateLimitedResult;
  readonly ingestion: RateLimitedResult;
}

const SEED_CONCURRENCY = 8;

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next];
        next += 1;
        if (item !== undefined) await work(item);
      }
    }),
  );
}

/** Records one purchase for each of the first `members` bench members (benchMemberId(1..members)). */
async function seedMembers(spec: BalanceQuerySpec, nextPurchase: ReturnType<typeof purchaseFactory>): Promise<void> {
  const purchases = Array.from({ length: spec.members }, () => nextPurchase());
  let failure: string | undefined;
  await pool(purchases, SEED_CONCURRENCY, async (purchase) => {
    if (failure !== undefined) return;
    const response = await fetch(`${spec.ingestionUrl}/v1/purchases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': spec.apiKey },
      body: JSON.stringify(purchase),
      signal: AbortSignal.timeout(10_000),
    });
    const body = await response.text();
    if (!response.ok) failure ??= `seeding: POST /v1/purchases answered ${response.status} ${body.slice(0, 300)}`;
  });
  if (failure !== undefined) throw new Error(failure);
}

/** Resolves once the projector answers 200 for every member (the members' purchases are projected). */
async function waitUntilProjected(spec: BalanceQuerySpec, memberIds: readonly string[]): Promise<void> {
  const deadline = Date.now() + spec.timeoutS * 1_000;
  let missing = [...memberIds];
  let lastStatus = 0;
  while (missing.length > 0) {
    const still: string[] = [];
    await pool(missing, 16, async (memberId) => {
      const response = await fetch(`${spec.queryUrl}/v1/members/${memberId}/balance`, { headers: { 'x-api-key': spec.apiKey }, signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
      await response?.arrayBuffer();
      if (response?.status !== 200) {
        lastStatus = response?.status ?? 0;
        still.push(memberId);
      }
    });
    missing = still;
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new Error(`the projector still lacks ${missing.length} of ${memberIds.length} seeded members after ${spec.timeoutS} s (last answer ${lastStatus})`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

export async function measureBalanceQueries(spec: BalanceQuerySpec): Promise<BalanceQueryResult> {
  const nextPurchase = purchaseFactory(spec.tenantId, spec.runId);
  const memberIds = Array.from({ length: spec.members }, (_, i) => benchMemberId(i + 1));
  console.error(`[bench] balance queries: seeding ${spec.members} members through POST /v1/purchases`);
  await seedMembers(spec, nextPurchase);
  await waitUntilProjected(spec, memberIds);
  await spec.settle();

  let queried = 0;
  const nextPath = () => {
    queried += 1;
    return `/v1/members/${memberIds[queried % memberIds.length] ?? memberIds[0]}/balance`;
  };
  spec.onLoadStart();
  console.error(`[bench] balance queries: ingestion load at ${spec.ingestRate}/s, queries at ${spec.queryRate}/s (warm-up ${spec.warmupS} s, measured ${spec.durationS} s)`);
  // The write load covers the queries' warm-up and measurement, and a little on each side.
  const ingestion = startRateLimited({
    title: 'ingestion load',
    baseUrl: spec.ingestionUrl,
    method: 'POST',
    apiKey: spec.apiKey,
    connections: spec.ingestConnections,
    overallRate: spec.ingestRate,
    durationS: spec.warmupS + spec.durationS + 2,
    nextPath: () => '/v1/purchases',
    nextBody: () => JSON.stringify(nextPurchase()),
  });
  spec.registerStop('stop the ingestion load', () => Promise.resolve(ingestion.stop()));
  const query = (durationS: number) => {
    const load = startRateLimited({
      title: 'balance queries',
      baseUrl: spec.queryUrl,
      method: 'GET',
      apiKey: spec.apiKey,
      connections: spec.queryConnections,
      overallRate: spec.queryRate,
      durationS,
      nextPath,
    });
    spec.registerStop('stop the balance queries', () => Promise.resolve(load.stop()));
    return load.done;
  };
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await query(spec.warmupS);
    const queries = await query(spec.durationS);
    return { queries, ingestion: await ingestion.done };
  } catch (error) {
    ingestion.stop();
    throw error;
  }
}
