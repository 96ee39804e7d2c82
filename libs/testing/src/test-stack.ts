import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');

/** Where the real Kafka, registry and Postgres of this test run are. */
export interface TestStack {
  readonly kafkaBrokers: string;
  readonly schemaRegistryUrl: string;
  readonly database: { host: string; port: number; user: string; password: string; adminDatabase: string };
  readonly kind: 'testcontainers' | 'local-stack';
}

const ENV_KEY = 'LOYALTY_TEST_STACK';

/** True when a Docker engine answers (users' machines); our CI machines have only the client. */
async function dockerEngineAnswers(): Promise<boolean> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the real components once per test run: in containers when Docker answers, otherwise the
 * project's local stack (`infra/bin/stack up`, idempotent: it reuses a running stack).
 */
export async function startTestStack(): Promise<TestStack> {
  if (process.env['LOYALTY_TEST_USE_CONTAINERS'] !== 'false' && (await dockerEngineAnswers())) {
    const { startContainers } = await import('./test-containers');
    return startContainers();
  }
  await run(join(ROOT, 'infra', 'bin', 'stack'), ['up'], { cwd: ROOT, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
  return localStack(join(ROOT, '.stack', 'stack.env'));
}

function localStack(envFile: string): TestStack {
  const env = Object.fromEntries(
    readFileSync(envFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  ) as Record<string, string>;
  const need = (k: string): string => {
    const v = env[k];
    if (v === undefined) throw new Error(`${envFile} lacks ${k}`);
    return v;
  };
  return {
    kind: 'local-stack',
    kafkaBrokers: need('KAFKA_BROKERS'),
    schemaRegistryUrl: need('SCHEMA_REGISTRY_URL'),
    database: {
      host: need('DATABASE_HOST'),
      port: Number(need('DATABASE_PORT')),
      user: need('DATABASE_USER'),
      password: readFileSync(need('DATABASE_PASSWORD_FILE'), 'utf8').trim(),
      adminDatabase: need('DATABASE_NAME'),
    },
  };
}

/** Handed from the global set-up to the test workers through the environment. */
export function publishTestStack(stack: TestStack): void {
  process.env[ENV_KEY] = JSON.stringify(stack);
}

export function testStack(): TestStack {
  const raw = process.env[ENV_KEY];
  if (raw === undefined) throw new Error('no test stack: integration specs run under the integration jest project');
  return JSON.parse(raw) as TestStack;
}
