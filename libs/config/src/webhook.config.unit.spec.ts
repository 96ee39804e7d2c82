import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { parseEnv } from './parse-env';
import { webhookEnvSchema } from './webhook.config';

const goodSecret = 'a-storefront-secret-of-at-least-32-chars';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'webhook-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function secretsFile(name: string, contents: string): string {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

function messageOf(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('webhookEnvSchema', () => {
  it('disables signed requests without a secrets file', () => {
    expect(parseEnv(webhookEnvSchema, {})).toEqual({ secrets: [], toleranceSeconds: 300 });
  });

  it('reads every active secret, several per tenant for rotation', () => {
    const secrets = [
      { tenantId: 't1', secret: goodSecret },
      { tenantId: 't1', secret: `${goodSecret}-next` },
    ];
    const path = secretsFile('good.json', JSON.stringify({ secrets }));
    expect(parseEnv(webhookEnvSchema, { WEBHOOK_SECRETS_FILE: path, WEBHOOK_TOLERANCE_SECONDS: '60' })).toEqual({ secrets, toleranceSeconds: 60 });
  });

  it('names the variable for a short secret and never prints it', () => {
    const shortSecret = 'too-short-but-secret';
    const path = secretsFile('short.json', JSON.stringify({ secrets: [{ tenantId: 't1', secret: shortSecret }] }));
    const message = messageOf(() => parseEnv(webhookEnvSchema, { WEBHOOK_SECRETS_FILE: path }));
    expect(message).toContain('WEBHOOK_SECRETS_FILE');
    expect(message).toContain('32');
    expect(message).not.toContain(shortSecret);
  });

  it('names the variable for a file that is not JSON and never prints its text', () => {
    const path = secretsFile('broken.json', `{ "secrets": [ { "tenantId": "t1", "secret": "${goodSecret}" ] `);
    const message = messageOf(() => parseEnv(webhookEnvSchema, { WEBHOOK_SECRETS_FILE: path }));
    expect(message).toMatch(/WEBHOOK_SECRETS_FILE: cannot be read as JSON/);
    expect(message).not.toContain(goodSecret);
  });

  it('names the variable for a missing file', () => {
    expect(messageOf(() => parseEnv(webhookEnvSchema, { WEBHOOK_SECRETS_FILE: join(dir, 'absent.json') }))).toMatch(/WEBHOOK_SECRETS_FILE/);
  });

  it.each(['0', '3601', '1.5', 'five minutes'])('names the variable for a tolerance of %s', (value) => {
    expect(messageOf(() => parseEnv(webhookEnvSchema, { WEBHOOK_TOLERANCE_SECONDS: value }))).toMatch(/WEBHOOK_TOLERANCE_SECONDS/);
  });
});
