import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DatabaseConfig } from '@loyalty/config';
import { type ConnectorDatabase, type DeliveryStatus, createPool } from '@loyalty/db';
import { createMigratedTestDatabase, dropTestDatabase, stubCredentialEnv, testDestinations, testStubAccounts, writeDestinationsFile } from '@loyalty/testing';
import { type StubAccounts, type StubLimits, type VendorStubs, startVendorStubs } from '@loyalty/vendor-stubs';
import { Kysely, PostgresDialect } from 'kysely';
import { type DeadLetter } from '../delivery/dead-letter';
import { type DeliveryDeps } from '../delivery/deliver-events';
import { DeliveryJournal } from '../delivery/delivery-journal';
import { type DeliveryObserver } from '../delivery/delivery-observer';
import { type TransportResult, sendOnce } from '../delivery/http-transport';
import { RateLimiter } from '../delivery/rate-limiter';
import { Semaphore } from '../delivery/semaphore';
import { type DestinationConfig } from '../destinations/destination-config';
import { type Destination, loadDestinations } from '../destinations/load-destinations';

export const CONTRACT_TENANT = 'acme';

/**
 * The least wait before a retry when the vendor names none: the first backoff step of the test
 * destinations (base 20 ms, full jitter fixed at its midpoint by `random: () => 0.5`).
 */
export const FIRST_BACKOFF_MS = 20;

/**
 * Node starts a timer's count from the event loop's cached time (whole milliseconds, taken when
 * the loop turn began), so by performance.now() a timer may fire a little early.
 */
export const TIMER_SLACK_MS = 5;

/** One HTTP attempt as the connector made it (credentials included) and what came back. */
export interface Attempt {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** performance.now() when the attempt left and when its answer (or failure) was in. */
  readonly startedAt: number;
  readonly answeredAt: number;
  /** Date.now() when the attempt left, for vendor headers that name a moment (epoch seconds). */
  readonly startedAtWall: number;
  readonly result: TransportResult;
}

/** The delivery of one destination, as the runtime wires it, recording what it did. */
export interface ContractDelivery {
  readonly deps: DeliveryDeps;
  readonly attempts: Attempt[];
  readonly letters: DeadLetter[];
  readonly retried: string[];
  /** What the observer was told was delivered (the sent metric), call by call. */
  readonly sent: number[];
}

export interface JournalRow {
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly deliveryId: string;
  readonly reason: string | null;
  readonly deadLetter: DeadLetter | null;
}

export interface ContractHarness {
  readonly stubs: VendorStubs;
  readonly accounts: StubAccounts;
  /** The environment the destinations' credentials resolve from. */
  readonly env: Readonly<Record<string, string>>;
  readonly db: Kysely<ConnectorDatabase>;
  /** A Braze key the stub knows but without the users.track permission. */
  readonly brazeKeyWithoutPermission: string;
  /**
   * The tenant's destination of this type, loaded from a destinations file as the service loads it;
   * `env` replaces credential variables (a wrong key), `overrides` fields of the destination.
   */
  destination(type: DestinationConfig['type'], env?: Readonly<Record<string, string>>, overrides?: Readonly<Record<string, unknown>>): Destination;
  /** Deps as connector-runtime.ts builds them, with a plain wait unless `wait` replaces it; jitter is fixed at the midpoint. */
  delivery(destination: Destination, options?: { wait?: (ms: number) => Promise<boolean> }): ContractDelivery;
  journal(destination: string, eventIds: readonly string[]): Promise<Map<string, JournalRow>>;
  close(): Promise<void>;
}

/** In-process stubs with fresh accounts and a migrated database of its own, for one spec file. */
export async function startContractHarness(limits: StubLimits = {}): Promise<ContractHarness> {
  const base = testStubAccounts();
  const brazeKeyWithoutPermission = `${base.braze.apiKey}_readonly`;
  const accounts: StubAccounts = { ...base, braze: { ...base.braze, keysWithoutPermission: [brazeKeyWithoutPermission] } };
  const stubs = await startVendorStubs({ accounts, limits });
  let database: DatabaseConfig | undefined;
  try {
    database = await createMigratedTestDatabase();
  } catch (error) {
    await stubs.close();
    throw error;
  }
  const config = database;
  const db = new Kysely<ConnectorDatabase>({ dialect: new PostgresDialect({ pool: createPool(config, 'contract-spec') }) });
  const env = stubCredentialEnv(stubs, accounts);
  return {
    stubs,
    accounts,
    env,
    db,
    brazeKeyWithoutPermission,
    destination: (type, envOverrides = {}, fields = {}) => {
      const file = writeDestinationsFile(testDestinations(CONTRACT_TENANT, fields));
      const loaded = loadDestinations(file, { ...env, ...envOverrides });
      rmSync(dirname(file), { recursive: true, force: true });
      if (!loaded.ok) throw new Error(`destinations refused: ${loaded.problems.join('; ')}`);
      const found = loaded.destinations.find((d) => d.config.type === type);
      if (found === undefined) throw new Error(`no ${type} destination in testDestinations`);
      return found;
    },
    delivery: (destination, options = {}) => {
      const attempts: Attempt[] = [];
      const letters: DeadLetter[] = [];
      const retried: string[] = [];
      const sent: number[] = [];
      const observer: DeliveryObserver = { sent: (_d, events) => sent.push(events), failed: () => undefined, waited: () => undefined, request: () => undefined, retried: (_d, cause) => retried.push(cause) };
      const deps: DeliveryDeps = {
        config: destination.config,
        adapter: destination.adapter,
        journal: new DeliveryJournal(db, destination.config.name),
        limiter: new RateLimiter(destination.config.rateLimitPerSecond),
        send: async (request, timeoutMs) => {
          const startedAt = performance.now();
          const startedAtWall = Date.now();
          const result = await sendOnce(request, timeoutMs);
          attempts.push({ ...request, startedAt, startedAtWall, answeredAt: performance.now(), result });
          return result;
        },
        publishDeadLetters: async (list) => {
          letters.push(...list);
        },
        observer,
        now: () => Date.now(),
        random: () => 0.5,
        wait: options.wait ?? ((ms) => new Promise((resolve) => setTimeout(() => resolve(true), ms))),
        stopping: () => false,
        slots: new Semaphore(destination.config.concurrency),
      };
      return { deps, attempts, letters, retried, sent };
    },
    journal: async (destination, eventIds) => {
      if (eventIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('connector_deliveries')
        .select(['event_id', 'status', 'attempts', 'delivery_id', 'reason', 'dead_letter'])
        .where('destination', '=', destination)
        .where('event_id', 'in', [...eventIds])
        .execute();
      return new Map(rows.map((r) => [r.event_id, { status: r.status, attempts: r.attempts, deliveryId: r.delivery_id, reason: r.reason, deadLetter: (r.dead_letter ?? null) as DeadLetter | null }]));
    },
    close: async () => {
      await db.destroy();
      await stubs.close();
      await dropTestDatabase(config);
    },
  };
}

/**
 * The harness of one spec file, as jest hooks of the enclosing describe: started before its tests
 * (in-process stubs with fresh accounts, a migrated database of its own, the destinations'
 * credentials), closed after them, and the stubs reset before each test. Call it once, at the top
 * of the describe; each member of what it returns reads the started harness (a getter), so tests
 * use it as they would the harness itself, and it refuses to be read outside a test.
 */
export function useContractHarness(limits: StubLimits = {}): Omit<ContractHarness, 'close'> {
  let harness: ContractHarness | undefined;
  beforeAll(async () => {
    harness = await startContractHarness(limits);
  });
  afterAll(async () => {
    await harness?.close();
  });
  beforeEach(() => started().stubs.reset());
  const started = (): ContractHarness => {
    if (harness === undefined) throw new Error('the contract harness is not started: use it inside a test of the describe that called useContractHarness');
    return harness;
  };
  return {
    get stubs() {
      return started().stubs;
    },
    get accounts() {
      return started().accounts;
    },
    get env() {
      return started().env;
    },
    get db() {
      return started().db;
    },
    get brazeKeyWithoutPermission() {
      return started().brazeKeyWithoutPermission;
    },
    destination: (...args) => started().destination(...args),
    delivery: (...args) => started().delivery(...args),
    journal: (...args) => started().journal(...args),
  };
}

/** The status of each event in the journal, in the events' order (missing rows as `none`). */
export function statuses(rows: ReadonlyMap<string, JournalRow>, eventIds: readonly string[]): (DeliveryStatus | 'none')[] {
  return eventIds.map((id) => rows.get(id)?.status ?? 'none');
}

/** For each 429 answer, the attempt that retried it (the next one with the same method, URL and body). */
export function retriesOf429(attempts: readonly Attempt[]): { refused: Attempt; retry: Attempt | undefined }[] {
  return attempts.flatMap((a, i) =>
    a.result.ok && a.result.response.status === 429 ? [{ refused: a, retry: attempts.slice(i + 1).find((b) => b.url === a.url && b.method === a.method && b.body === a.body) }] : [],
  );
}

/** The response header of an attempt that was answered (lower-case name). */
export function answerHeader(attempt: Attempt, name: string): string | undefined {
  return attempt.result.ok ? attempt.result.response.headers[name] : undefined;
}
