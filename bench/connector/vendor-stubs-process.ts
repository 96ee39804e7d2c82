// The vendor stubs (Bloomreach, Braze, Voucherify, webhooks) as a process of the run's own
// (`infra/bin/node-run libs/vendor-stubs/src/serve.ts`, as infra/lib/services.sh runs the dev
// stack's): the bench may not import @loyalty/vendor-stubs (a testing library), so it drives them
// through their control API. Credentials are random per run, written to a file in the run's
// temporary directory (never printed), and the vendors' rate limits are raised far above what the
// connector can send, so the stubs never answer 429 unless asked to. Output goes to
// .stack/logs/bench-connector-stubs.log.
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForHealthy } from '../shared/http-health';
import { isRunning } from '../shared/proc-fs';
import { terminate } from '../shared/service-process';
import { type StackFiles } from '../shared/stack-files';
import { freePort } from '../projector/projector-process';

export type StubVendor = 'bloomreach' | 'braze' | 'voucherify' | 'webhooks';

export interface StubCredentials {
  readonly bloomreach: { readonly projectToken: string; readonly keyId: string; readonly secret: string };
  readonly braze: { readonly apiKey: string };
  readonly voucherify: { readonly appId: string; readonly appToken: string; readonly eventSchema: readonly string[] };
  readonly webhooks: { readonly secret: string };
}

export interface StubStats {
  readonly requests: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly itemsAccepted: number;
  readonly itemsRejected: number;
  readonly duplicateEventIds: number;
}

export interface ReceivedItem {
  readonly kind: string;
  readonly customerId: string;
  readonly eventId: string | null;
  readonly name: string | null;
  readonly payload: unknown;
  readonly receivedAt: string;
}

export interface VendorStubs {
  readonly pid: number;
  readonly baseUrl: string;
  readonly credentials: StubCredentials;
  stats(vendor: StubVendor): Promise<StubStats>;
  received(vendor: StubVendor, filter: { name?: string; customerId?: string }): Promise<ReceivedItem[]>;
  reset(): Promise<void>;
  alive(): boolean;
  stop(): Promise<void>;
  logTail(lines?: number): string;
}

const secret = () => randomBytes(12).toString('hex');

export async function startVendorStubs(files: StackFiles, dir: string, voucherifyEvents: readonly string[], registerCleanup: (name: string, fn: () => Promise<void>) => void): Promise<VendorStubs> {
  const credentials: StubCredentials = {
    bloomreach: { projectToken: secret(), keyId: secret(), secret: secret() },
    braze: { apiKey: secret() },
    voucherify: { appId: secret(), appToken: secret(), eventSchema: voucherifyEvents },
    webhooks: { secret: secret() },
  };
  const accountsFile = join(dir, 'vendor-stubs.json');
  writeFileSync(accountsFile, JSON.stringify(credentials), { mode: 0o600 });
  const port = await freePort();
  const limits = { bloomreachRequestsPerMinute: 100_000_000, brazeRequestsPer3s: 100_000_000, voucherifyRequestsPerMinute: 100_000_000 };
  const logFile = join(files.logsDir, 'bench-connector-stubs.log');
  const log = openSync(logFile, 'w');
  const child = spawn(join(files.root, 'infra', 'bin', 'node-run'), [join(files.root, 'libs', 'vendor-stubs', 'src', 'serve.ts')], {
    cwd: files.root,
    env: { ...process.env, VENDOR_STUBS_PORT: String(port), VENDOR_STUBS_HOST: '127.0.0.1', VENDOR_STUBS_ACCOUNTS_FILE: accountsFile, VENDOR_STUBS_LIMITS: JSON.stringify(limits) },
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the vendor stubs');
  let exited = false;
  child.once('exit', () => (exited = true));
  const alive = () => !exited && isRunning(pid);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= alive() ? terminate(pid, 'the vendor stubs', alive) : Promise.resolve());
  registerCleanup('stop the vendor stubs', stop);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealthy(baseUrl, 60_000, alive);
  console.error(`[bench] started the vendor stubs (pid ${pid}, ${baseUrl})`);
  const getJson = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok) throw new Error(`the stubs answered ${response.status} to GET ${path}`);
    return (await response.json()) as T;
  };
  return {
    pid,
    baseUrl,
    credentials,
    stats: (vendor) => getJson<StubStats>(`/__stub/${vendor}/stats`),
    received: (vendor, filter) => {
      const query = new URLSearchParams();
      if (filter.name !== undefined) query.set('name', filter.name);
      if (filter.customerId !== undefined) query.set('customerId', filter.customerId);
      return getJson<ReceivedItem[]>(`/__stub/${vendor}/received?${query.toString()}`);
    },
    reset: async () => {
      const response = await fetch(`${baseUrl}/__stub/reset`, { method: 'POST', signal: AbortSignal.timeout(30_000) });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`the stubs answered ${response.status} to POST /__stub/reset`);
    },
    alive,
    stop,
    logTail: (lines = 20) => {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
}
