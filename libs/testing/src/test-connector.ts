import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StubAccounts, type StubLimits, type VendorStubs, startVendorStubs } from '@loyalty/vendor-stubs';
import { type KafkaConfig } from '@loyalty/config';
import { evictConsumerGroupMembers } from './consumer-group-eviction';
import { type CrashableService, startCrashableService } from './crashable-service';
import { freePort } from './service-process';
import { uniqueTestId } from './unique-id';

/** The events every test destination forwards unless told otherwise. */
export const TEST_DESTINATION_EVENTS = ['tier_changed', 'points_earned', 'points_spent', 'points_expiring_soon', 'tier_downgrade_risk', 'points_expired'];

const random = (n: number) => randomBytes(n).toString('hex');

/** Fresh stub accounts (random credentials) whose Voucherify event schema knows the test destinations' names. */
export function testStubAccounts(): StubAccounts {
  return {
    bloomreach: { projectToken: `proj_${random(8)}`, keyId: `key_${random(8)}`, secret: random(20) },
    braze: { apiKey: `braze_${random(16)}` },
    voucherify: { appId: `app_${random(8)}`, appToken: random(20), eventSchema: TEST_DESTINATION_EVENTS.map((t) => `loyalty_${t}`) },
    webhooks: { secret: `whsec_${random(20)}` },
  };
}

/** The environment the connector resolves the test destinations' credentials from. */
export function stubCredentialEnv(stubs: VendorStubs, accounts: StubAccounts, webhookPath = 'test'): Record<string, string> {
  return {
    BLOOMREACH_BASE_URL: stubs.urls.bloomreach,
    BLOOMREACH_PROJECT_TOKEN: accounts.bloomreach.projectToken,
    BLOOMREACH_KEY_ID: accounts.bloomreach.keyId,
    BLOOMREACH_SECRET: accounts.bloomreach.secret,
    BRAZE_BASE_URL: stubs.urls.braze,
    BRAZE_API_KEY: accounts.braze.apiKey,
    VOUCHERIFY_BASE_URL: stubs.urls.voucherify,
    VOUCHERIFY_APP_ID: accounts.voucherify.appId,
    VOUCHERIFY_APP_TOKEN: accounts.voucherify.appToken,
    CONNECTOR_WEBHOOK_URL: `${stubs.urls.webhooks}/${webhookPath}`,
    CONNECTOR_WEBHOOK_SECRET: accounts.webhooks.secret,
  };
}

/**
 * One destination of each kind for `tenant`, reading credentials from `stubCredentialEnv`'s
 * variables: names `<tenant>-bloomreach`, `-braze`, `-voucherify`, `-webhook`. `overrides` change
 * any field of every destination (e.g. rate limits).
 */
export function testDestinations(tenant: string, overrides: Readonly<Record<string, unknown>> = {}): Record<string, unknown>[] {
  const common = { tenantId: tenant, events: TEST_DESTINATION_EVENTS, retry: { baseMs: 20, maxMs: 500 }, timeoutMs: 5_000 };
  const mapping = {
    eventProperties: { tier_id: 'tier.id', tier_name: 'tier.name', levelMove: 'direction', points: 'points', currency: 'currency' },
    attributes: { loyalty_tier: 'tier.name', loyalty_qualifying_points: 'qualifyingPoints', loyalty_points: 'balance.permanent.active' },
  };
  return [
    {
      name: `${tenant}-bloomreach`,
      type: 'bloomreach',
      baseUrl: { env: 'BLOOMREACH_BASE_URL' },
      projectToken: { env: 'BLOOMREACH_PROJECT_TOKEN' },
      keyId: { env: 'BLOOMREACH_KEY_ID' },
      secret: { env: 'BLOOMREACH_SECRET' },
      hardId: 'email',
      rateLimitPerSecond: 1_000,
      ...common,
      ...mapping,
      ...overrides,
    },
    { name: `${tenant}-braze`, type: 'braze', baseUrl: { env: 'BRAZE_BASE_URL' }, apiKey: { env: 'BRAZE_API_KEY' }, rateLimitPerSecond: 1_000, ...common, ...mapping, ...overrides },
    {
      name: `${tenant}-voucherify`,
      type: 'voucherify',
      baseUrl: { env: 'VOUCHERIFY_BASE_URL' },
      appId: { env: 'VOUCHERIFY_APP_ID' },
      appToken: { env: 'VOUCHERIFY_APP_TOKEN' },
      rateLimitPerSecond: 1_000,
      ...common,
      ...mapping,
      ...overrides,
    },
    { name: `${tenant}-webhook`, type: 'webhook', url: { env: 'CONNECTOR_WEBHOOK_URL' }, signingSecret: { env: 'CONNECTOR_WEBHOOK_SECRET' }, rateLimitPerSecond: 1_000, ...common, ...overrides },
  ];
}

export function writeDestinationsFile(destinations: readonly Record<string, unknown>[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'loyalty-connector-')), 'destinations.json');
  writeFileSync(file, JSON.stringify({ destinations }, null, 2), { mode: 0o600 });
  return file;
}

export interface TestConnector {
  readonly stubs: VendorStubs;
  readonly accounts: StubAccounts;
  /** The connector process (the current one after a restart). */
  service(): CrashableService;
  /** Prepended to each destination's consumer group. */
  readonly groupPrefix: string;
  /** Stops the process gracefully (SIGTERM) and starts it again on the same environment. */
  restart(): Promise<void>;
  /** kill -9, evict the dead process from its consumer groups (no session timeout to wait), start again. */
  crashAndRestart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The connector as a real process, with the vendor stubs in this process: `sharedEnv` carries Kafka,
 * the database, credentials and programs (as for the other services).
 */
export async function startTestConnector(
  kafka: KafkaConfig,
  sharedEnv: Readonly<Record<string, string>>,
  options: { destinations: (stubs: VendorStubs) => readonly Record<string, unknown>[]; limits?: StubLimits; env?: Readonly<Record<string, string>> },
): Promise<TestConnector> {
  const accounts = testStubAccounts();
  const stubs = await startVendorStubs({ accounts, ...(options.limits === undefined ? {} : { limits: options.limits }) });
  const port = await freePort();
  const groupPrefix = `${uniqueTestId('conn')}.`;
  const destinations = options.destinations(stubs);
  const groups = [`${groupPrefix}feed`, ...destinations.map((d) => `${groupPrefix}connector.${String(d['name'])}.v1`)];
  const env = {
    ...sharedEnv,
    ...stubCredentialEnv(stubs, accounts),
    CONNECTOR_PORT: String(port),
    CONNECTOR_DESTINATIONS_FILE: writeDestinationsFile(destinations),
    CONNECTOR_FEED_GROUP: `${groupPrefix}feed`,
    CONNECTOR_GROUP_PREFIX: groupPrefix,
    ...options.env,
  };
  let current = await startCrashableService('connector', env, port);
  return {
    stubs,
    accounts,
    groupPrefix,
    service: () => current,
    restart: async () => {
      await current.stop();
      current = await startCrashableService('connector', env, port);
    },
    crashAndRestart: async () => {
      await current.crash();
      for (const group of groups) await evictConsumerGroupMembers(kafka, group);
      current = await startCrashableService('connector', env, port);
    },
    stop: async () => {
      await current.stop();
      await stubs.close();
    },
  };
}
