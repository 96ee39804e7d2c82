// The destinations files the benchmark's connector processes run with (the schema of
// apps/connector/src/destinations/destination-config.ts), pointing at the run's vendor stubs.
// Credentials are `{ "env": … }` references, as in config/connector/destinations.json, resolved from
// the environment the harness gives the process (never written to the file). The mappings follow
// the seeds' example: each event carries mapped properties, and Bloomreach and Braze also get an
// attribute update per event (so a Bloomreach request of 50 commands carries 25 events, a Braze
// request of 75 objects 37).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type StubCredentials } from './vendor-stubs-process';

export type Vendor = 'bloomreach' | 'braze' | 'voucherify' | 'webhook';

export interface DestinationSpec {
  readonly name: string;
  readonly vendor: Vendor;
  readonly tenantId: string;
  readonly events: readonly string[];
  readonly batchSize: number;
  readonly concurrency: number;
  readonly rateLimitPerSecond: number;
  /** Bloomreach only: the hard id (`email` in the seeds' example); the member id elsewhere. */
  readonly hardId?: 'memberId' | 'email';
}

/** What one destination sends per event: items the stub counts (a customer/attribute update and the event, or the webhook). */
export const ITEMS_PER_EVENT: Readonly<Record<Vendor, number>> = { bloomreach: 2, braze: 2, voucherify: 2, webhook: 1 };

/** The vendor event names, also the Voucherify stub's event schema. */
export const EVENT_NAMES = { tier_changed: 'loyalty_tier_changed', points_earned: 'loyalty_points_earned', points_spent: 'loyalty_points_spent' } as const;

// `recorded_at` (when the ledger recorded the event; for a tier change, the rules service's decision)
// lets the latency phase split a tier change's time at the decision.
const eventProperties = { tier_id: 'tier.id', tier_name: 'tier.name', previous_tier_id: 'previousTier.id', direction: 'direction', points: 'points', currency: 'currency', recorded_at: 'recordedAt' };
const attributes = { loyalty_tier: 'tier.name', loyalty_qualifying_points: 'qualifyingPoints', loyalty_points_permanent: 'balance.permanent.active' };

function destination(spec: DestinationSpec, stubs: { baseUrl: string }): Record<string, unknown> {
  const common = {
    name: spec.name,
    tenantId: spec.tenantId,
    events: spec.events,
    eventNames: EVENT_NAMES,
    eventProperties,
    rateLimitPerSecond: spec.rateLimitPerSecond,
    concurrency: spec.concurrency,
    batchSize: spec.batchSize,
    timeoutMs: 10_000,
  };
  switch (spec.vendor) {
    case 'bloomreach':
      return {
        ...common,
        type: 'bloomreach',
        baseUrl: `${stubs.baseUrl}/bloomreach`,
        projectToken: { env: 'BENCH_BLOOMREACH_PROJECT_TOKEN' },
        keyId: { env: 'BENCH_BLOOMREACH_KEY_ID' },
        secret: { env: 'BENCH_BLOOMREACH_SECRET' },
        hardId: spec.hardId ?? 'email',
        customerIdName: 'registered',
        attributes,
      };
    case 'braze':
      return { ...common, type: 'braze', baseUrl: `${stubs.baseUrl}/braze`, apiKey: { env: 'BENCH_BRAZE_API_KEY' }, identifier: 'external_id', hardId: 'memberId', attributes };
    case 'voucherify':
      return {
        ...common,
        type: 'voucherify',
        baseUrl: `${stubs.baseUrl}/voucherify`,
        appId: { env: 'BENCH_VOUCHERIFY_APP_ID' },
        appToken: { env: 'BENCH_VOUCHERIFY_APP_TOKEN' },
        hardId: 'memberId',
        attributes,
      };
    case 'webhook':
      return { ...common, type: 'webhook', url: `${stubs.baseUrl}/webhooks/bench`, signingSecret: { env: 'BENCH_WEBHOOK_SECRET' } };
  }
}

/** Writes `<dir>/<file>` with the destinations; returns its path. */
export function writeDestinations(dir: string, file: string, specs: readonly DestinationSpec[], stubs: { baseUrl: string }): string {
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify({ destinations: specs.map((s) => destination(s, stubs)) }, null, 2));
  return path;
}

/** The environment the destinations' credential references resolve from. */
export function credentialEnv(credentials: StubCredentials): Record<string, string> {
  return {
    BENCH_BLOOMREACH_PROJECT_TOKEN: credentials.bloomreach.projectToken,
    BENCH_BLOOMREACH_KEY_ID: credentials.bloomreach.keyId,
    BENCH_BLOOMREACH_SECRET: credentials.bloomreach.secret,
    BENCH_BRAZE_API_KEY: credentials.braze.apiKey,
    BENCH_VOUCHERIFY_APP_ID: credentials.voucherify.appId,
    BENCH_VOUCHERIFY_APP_TOKEN: credentials.voucherify.appToken,
    BENCH_WEBHOOK_SECRET: credentials.webhooks.secret,
  };
}
