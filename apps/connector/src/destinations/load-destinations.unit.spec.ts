import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signWebhook } from '../vendors/webhook-signature';
import { type Destination, loadDestinations } from './load-destinations';

const REAL_FILE = resolve(__dirname, '../../../../config/connector/destinations.json');

/** Every variable the real file references, with values recognisable in any output. */
const fullEnv: Readonly<Record<string, string>> = {
  BLOOMREACH_BASE_URL: 'https://bloomreach.example.test',
  BLOOMREACH_PROJECT_TOKEN: 'project-token-value',
  BLOOMREACH_KEY_ID: 'bloomreach-key-id-value',
  BLOOMREACH_SECRET: 'bloomreach-secret-value',
  BRAZE_BASE_URL: 'https://braze.example.test',
  BRAZE_API_KEY: 'braze-api-key-value',
  VOUCHERIFY_BASE_URL: 'https://voucherify.example.test',
  VOUCHERIFY_APP_ID: 'voucherify-app-id-value',
  VOUCHERIFY_APP_TOKEN: 'voucherify-app-token-value',
  CONNECTOR_WEBHOOK_URL: 'https://hooks.example.test/loyalty',
  CONNECTOR_WEBHOOK_SECRET: 'webhook-secret-value',
};
const SECRET_NAMES = ['BLOOMREACH_KEY_ID', 'BLOOMREACH_SECRET', 'BRAZE_API_KEY', 'VOUCHERIFY_APP_ID', 'VOUCHERIFY_APP_TOKEN', 'CONNECTOR_WEBHOOK_SECRET'];

const without = (...names: string[]) => Object.fromEntries(Object.entries(fullEnv).filter(([name]) => !names.includes(name)));

const byName = (destinations: readonly Destination[], name: string): Destination => {
  const found = destinations.find((d) => d.config.name === name);
  if (found === undefined) throw new Error(`no destination ${name}`);
  return found;
};

function loaded(file: string, env: Record<string, string | undefined>): Destination[] {
  const result = loadDestinations(file, env);
  if (!result.ok) throw new Error(`expected the file to load: ${result.problems.join('; ')}`);
  return result.destinations;
}
function problemsOf(file: string, env: Record<string, string | undefined>): string[] {
  const result = loadDestinations(file, env);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

const bloomreach = (o: Record<string, unknown> = {}) => ({
  name: 'br',
  tenantId: 'demo',
  type: 'bloomreach',
  baseUrl: 'https://bloomreach.example.test',
  projectToken: 'tok',
  keyId: { env: 'BR_KEY_ID' },
  secret: { env: 'BR_SECRET' },
  events: ['tier_changed'],
  rateLimitPerSecond: 90,
  ...o,
});
const webhook = (o: Record<string, unknown> = {}) => ({
  name: 'hook',
  tenantId: 'demo',
  type: 'webhook',
  url: 'https://hooks.example.test/x',
  signingSecret: { env: 'HOOK_SECRET' },
  events: ['points_earned'],
  rateLimitPerSecond: 10,
  ...o,
});

describe('loadDestinations', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'destinations-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fileWith = (destinations: readonly unknown[], name = 'destinations.json') => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify({ destinations }));
    return path;
  };

  describe('the real config/connector/destinations.json', () => {
    it('given every credential in the environment, then all four destinations load, each with its vendor and endpoint', () => {
      const destinations = loaded(REAL_FILE, fullEnv);

      expect(destinations.map((d) => [d.config.name, d.config.type, d.endpoint])).toEqual([
        ['demo-bloomreach', 'bloomreach', 'https://bloomreach.example.test'],
        ['demo-braze', 'braze', 'https://braze.example.test'],
        ['demo-voucherify', 'voucherify', 'https://voucherify.example.test'],
        ['demo-webhook', 'webhook', 'https://hooks.example.test/loyalty'],
      ]);
    });

    it('given every credential, then each adapter signs with its own credentials', () => {
      const destinations = loaded(REAL_FILE, fullEnv);
      const request = { method: 'POST' as const, url: '', body: '{}', parts: [], eventIds: [], headers: {} };

      const basic = byName(destinations, 'demo-bloomreach').adapter.authorize(request, 0).authorization!;
      expect(Buffer.from(basic.replace(/^Basic /, ''), 'base64').toString()).toBe('bloomreach-key-id-value:bloomreach-secret-value');
      expect(byName(destinations, 'demo-braze').adapter.authorize(request, 0).authorization).toBe('Bearer braze-api-key-value');
      expect(byName(destinations, 'demo-voucherify').adapter.authorize(request, 0)).toMatchObject({ 'x-app-id': 'voucherify-app-id-value', 'x-app-token': 'voucherify-app-token-value' });
      expect(byName(destinations, 'demo-webhook').adapter.authorize(request, 0)['loyalty-signature']).toMatch(/^t=0,v1=[0-9a-f]{64}$/);
    });

    it('given a missing secret, then the problem names its destination and variable, and no value of any other secret', () => {
      const problems = problemsOf(REAL_FILE, without('BRAZE_API_KEY'));

      expect(problems).toEqual(['destination demo-braze: environment variable BRAZE_API_KEY is not set']);
      for (const name of SECRET_NAMES) expect(problems.join('\n')).not.toContain(fullEnv[name]!);
    });

    it('given an empty secret, then it counts as missing', () => {
      expect(problemsOf(REAL_FILE, { ...fullEnv, CONNECTOR_WEBHOOK_SECRET: '' })).toEqual(['destination demo-webhook: environment variable CONNECTOR_WEBHOOK_SECRET is not set']);
    });

    it('given no environment at all, then every referenced variable is named, once, and nothing loads', () => {
      const problems = problemsOf(REAL_FILE, {});

      for (const name of Object.keys(fullEnv)) expect(problems.filter((p) => p.endsWith(`environment variable ${name} is not set`))).toHaveLength(1);
      expect(problems).toHaveLength(Object.keys(fullEnv).length);
    });
  });

  it('given a credential written as a plain string, then the file is refused at that path, without echoing the value', () => {
    const problems = problemsOf(fileWith([bloomreach({ secret: 'plain-text-secret-123' })]), {});

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('destinations.0.secret');
    expect(problems.join('\n')).not.toContain('plain-text-secret-123');
  });

  it('given two destinations with one name, then the file is refused naming it', () => {
    const problems = problemsOf(fileWith([bloomreach({ name: 'twice' }), webhook({ name: 'twice' })]), { BR_KEY_ID: 'k', BR_SECRET: 's', HOOK_SECRET: 'h' });

    expect(problems).toEqual([expect.stringMatching(/destinations\.1\.name: twice is used twice$/)]);
  });

  it('given a Bloomreach batch size above its 50 commands, then refused; 50 is accepted', () => {
    const env = { BR_KEY_ID: 'k', BR_SECRET: 's' };

    expect(problemsOf(fileWith([bloomreach({ batchSize: 51 })]), env)).toEqual([expect.stringContaining('destinations.0.batchSize')]);
    expect(loaded(fileWith([bloomreach({ batchSize: 50 })]), env)[0]!.config.batchSize).toBe(50);
  });

  it('given a webhook batch size above 1 (one event per request), then refused', () => {
    expect(problemsOf(fileWith([webhook({ batchSize: 2 })]), { HOOK_SECRET: 'h' })).toEqual([expect.stringContaining('destinations.0.batchSize')]);
  });

  it('given a disabled destination, then it needs no credentials and is not loaded', () => {
    const destinations = loaded(fileWith([bloomreach({ enabled: false }), webhook()]), { HOOK_SECRET: 'h' });

    expect(destinations.map((d) => d.config.name)).toEqual(['hook']);
  });

  it('given a secret in a file, then its content is used, trimmed', () => {
    const secretFile = join(dir, 'hook-secret');
    writeFileSync(secretFile, 'whsec-from-file\n');
    const [hook] = loaded(fileWith([webhook({ signingSecret: { file: secretFile } })]), {});
    const request = { method: 'POST' as const, url: '', body: '{"a":1}', parts: [], eventIds: [], headers: {} };

    expect(hook!.adapter.authorize(request, 1_000)['loyalty-signature']).toBe(signWebhook('whsec-from-file', '{"a":1}', 1));
  });

  it('given a secret file that is missing or empty, then the problem names the file', () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '  \n');
    const missing = join(dir, 'missing');

    expect(problemsOf(fileWith([webhook({ signingSecret: { file: missing } })]), {})).toEqual([`destination hook: secret file ${missing} cannot be read`]);
    expect(problemsOf(fileWith([webhook({ signingSecret: { file: empty } })]), {})).toEqual([`destination hook: secret file ${empty} is empty`]);
  });

  it('given a base URL from the environment with a default, then the default applies when the variable is unset', () => {
    const [hook] = loaded(fileWith([webhook({ url: { env: 'HOOK_URL', default: 'https://default.example.test/h' } })]), { HOOK_SECRET: 'h' });

    expect(hook!.endpoint).toBe('https://default.example.test/h');
  });

  it('given a file that is not JSON, or not there, then one problem naming the file', () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "destinations": [');

    expect(problemsOf(broken, {})).toEqual([`${broken}: cannot be read as JSON (invalid JSON)`]);
    expect(problemsOf(join(dir, 'absent.json'), {})).toEqual([`${join(dir, 'absent.json')}: cannot be read as JSON (ENOENT)`]);
  });
});
