// Where the local stack (infra/lib/common.sh, services.sh, postgres.sh) keeps its pids, logs,
// secrets and environment, and how to read them. Paths mirror those scripts so the harness acts
// on the very processes `npm run up` started.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export interface StackFiles {
  readonly root: string;
  readonly stackDir: string;
  readonly envFile: string;
  readonly runDir: string;
  readonly logsDir: string;
  readonly devApiKeyFile: string;
  readonly apiKeysFile: string;
  readonly adminKeysFile: string;
  readonly webhookSecretsFile: string;
  readonly postgresDataDir: string;
}

export function stackFiles(env: NodeJS.ProcessEnv = process.env): StackFiles {
  const stackDir = env['STACK_DIR'] ?? join(ROOT, '.stack');
  return {
    root: ROOT,
    stackDir,
    envFile: join(stackDir, 'stack.env'),
    runDir: join(stackDir, 'run'),
    logsDir: join(stackDir, 'logs'),
    devApiKeyFile: join(stackDir, 'secrets', 'dev-api-key'),
    apiKeysFile: join(stackDir, 'secrets', 'api-keys.json'),
    adminKeysFile: join(stackDir, 'secrets', 'admin-keys.json'),
    webhookSecretsFile: join(stackDir, 'secrets', 'webhook-secrets.json'),
    postgresDataDir: join(stackDir, 'postgres', 'data'),
  };
}

export function pidfileOf(files: StackFiles, name: string): string {
  return join(files.runDir, `${name}.pid`);
}

/** The pid recorded in a pidfile, or undefined when there is none (never started, or stopped). */
export function readPidfile(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function readDevApiKey(files: StackFiles): string {
  if (!existsSync(files.devApiKeyFile)) throw new Error(`no dev API key at ${files.devApiKeyFile}: is the stack up?`);
  return readFileSync(files.devApiKeyFile, 'utf8').trim();
}

/**
 * `.stack/stack.env` as services.sh sees it (`set -a; source`): plain KEY=VALUE lines written by
 * infra/bin/stack, so a line parser is enough; surrounding quotes are dropped as bash would.
 */
export function readStackEnv(files: StackFiles): Record<string, string> {
  if (!existsSync(files.envFile)) throw new Error(`no ${files.envFile}: the stack is down (npm run up)`);
  const env: Record<string, string> = {};
  for (const line of readFileSync(files.envFile, 'utf8').split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match === null) continue;
    const [, key, raw] = match;
    if (key === undefined || raw === undefined) continue;
    env[key] = raw.trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}
