// Where the demo finds the running system (`npm start` or `npm run up`): its endpoints, the demo
// tenant's credentials and program, and the stack's Kafka and Postgres settings. Paths mirror
// infra/lib/common.sh and services.sh; anything set in the environment wins.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { type DatabaseConfig, type KafkaConfig, databaseEnvSchema, kafkaEnvSchema, parseEnv } from '@loyalty/config';
import { DEFAULT_PROGRAM, type ProgramConfig, type TenantProgram, programAt, tenantProgramSchema } from '@loyalty/domain';

export const ROOT = join(__dirname, '..', '..');
export const STACK_DIR = process.env['STACK_DIR'] !== undefined && process.env['STACK_DIR'] !== '' ? resolve(process.env['STACK_DIR']) : join(ROOT, '.stack');
const SECRETS = join(STACK_DIR, 'secrets');
export const INGESTION = process.env['INGESTION_URL'] ?? `http://127.0.0.1:${process.env['INGESTION_PORT'] ?? 3001}`;
export const QUERY = process.env['LEDGER_QUERY_URL'] ?? `http://127.0.0.1:${process.env['LEDGER_QUERY_PORT'] ?? 3002}`;
export const TENANT = process.env['DEV_TENANT'] ?? 'demo';
export const CONNECTOR = process.env['CONNECTOR_URL'] ?? `http://127.0.0.1:${process.env['CONNECTOR_PORT'] ?? 3004}`;
export const VENDOR_STUBS = process.env['VENDOR_STUBS_URL'] ?? `http://127.0.0.1:${process.env['VENDOR_STUBS_PORT'] ?? 4010}`;

export function apiKey(): string {
  const fromEnv = process.env['DEMO_API_KEY'];
  if (fromEnv !== undefined) return fromEnv;
  try {
    return readFileSync(join(SECRETS, 'dev-api-key'), 'utf8').trim();
  } catch {
    throw new Error('no API key: start the system with `npm start` (or set DEMO_API_KEY)');
  }
}

const webhookSecretsFile = z.object({ secrets: z.array(z.object({ tenantId: z.string(), secret: z.string() })) });

/** The tenant's HMAC secret for signed storefront requests (never printed). */
export function webhookSecret(): string {
  const file = process.env['WEBHOOK_SECRETS_FILE'] ?? join(SECRETS, 'webhook-secrets.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`cannot read the webhook secrets file ${file}: start the system with \`npm start\``);
  }
  const parsed = webhookSecretsFile.safeParse(raw);
  const entry = parsed.success ? parsed.data.secrets.find((s) => s.tenantId === TENANT) : undefined;
  if (entry === undefined) throw new Error(`${file} holds no HMAC secret for tenant ${TENANT}`);
  return entry.secret;
}

/** The program ingestion applies to the tenant at `now`: config/programs/<tenant>.json, default.json, or the built-in default. */
export function tenantProgram(now: string): ProgramConfig {
  const dir = process.env['PROGRAMS_DIR'] ?? join(ROOT, 'config', 'programs');
  const file = [`${TENANT}.json`, 'default.json'].map((name) => join(dir, name)).find((path) => existsSync(path));
  const program: TenantProgram = file === undefined ? { tenantId: TENANT, versions: [DEFAULT_PROGRAM] } : tenantProgramSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const version = programAt(program, now);
  if (version === undefined) throw new Error(`tenant ${TENANT} has no program version in force at ${now}`);
  if (version.pendingDays > 0) {
    throw new Error(`the demo spends purchase points at once, but tenant ${TENANT}'s program keeps them pending for ${version.pendingDays} days (pendingDays)`);
  }
  return version;
}

/**
 * `.stack/stack.env` (plain KEY=VALUE lines written by infra/bin/stack) under the caller's
 * environment, as infra/bin/rebuild reads it: what the services were started with.
 */
function stackEnv(): Record<string, string | undefined> {
  const file = join(STACK_DIR, 'stack.env');
  if (!existsSync(file)) throw new Error(`no ${file}: the stack is not up (npm run up)`);
  const fromFile: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) fromFile[match[1]] = match[2].trim();
  }
  return { ...fromFile, ...process.env };
}

/** The stack's Kafka and schema registry, to read the ledger topic. */
export function stackKafka(): KafkaConfig {
  return parseEnv(kafkaEnvSchema, stackEnv());
}

/** The stack's Postgres, to read how far the rules service's days have got. */
export function stackDatabase(): DatabaseConfig {
  return parseEnv(databaseEnvSchema, { ...stackEnv(), DATABASE_POOL_SIZE: '1' });
}
