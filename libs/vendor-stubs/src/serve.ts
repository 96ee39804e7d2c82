import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { stubAccountsSchema, type StubAccounts } from './stub-accounts';
import { stubLimitsSchema, type StubLimits } from './stub-limits';
import { startVendorStubs } from './stub-server';

// Process entry: `VENDOR_STUBS_ACCOUNTS_FILE=accounts.json bash infra/bin/node-run libs/vendor-stubs/src/serve.ts`.

interface ServeConfig {
  readonly port: number;
  readonly host: string;
  readonly accounts: StubAccounts;
  readonly limits: StubLimits;
}

const envSchema = z.object({
  VENDOR_STUBS_PORT: z.coerce.number({ error: 'must be a TCP port number (0-65535)' }).int('must be a TCP port number (0-65535)').min(0).max(65535).default(4010),
  VENDOR_STUBS_HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  VENDOR_STUBS_ACCOUNTS_FILE: z.string({ error: 'is required: the path of a JSON file of StubAccounts' }).min(1, 'must not be empty'),
  VENDOR_STUBS_LIMITS: z.string().optional(),
});

function loadConfig(env: NodeJS.ProcessEnv): ServeConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; '));
  }
  const { VENDOR_STUBS_PORT: port, VENDOR_STUBS_HOST: host, VENDOR_STUBS_ACCOUNTS_FILE: file, VENDOR_STUBS_LIMITS: limitsText } = parsed.data;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    // JSON.parse's message quotes the file's text, which holds secrets: only the cause's kind is named.
    const reason = (error as { code?: string }).code ?? 'not valid JSON';
    throw new Error(`VENDOR_STUBS_ACCOUNTS_FILE: cannot read ${file} as JSON (${reason})`);
  }
  const accounts = stubAccountsSchema.safeParse(raw);
  if (!accounts.success) throw new Error(`VENDOR_STUBS_ACCOUNTS_FILE: ${file} is not valid StubAccounts: ${describe(accounts.error)}`);
  let limits: StubLimits = {};
  if (limitsText !== undefined && limitsText.trim() !== '') {
    let rawLimits: unknown;
    try {
      rawLimits = JSON.parse(limitsText);
    } catch {
      throw new Error('VENDOR_STUBS_LIMITS: is not valid JSON');
    }
    const parsedLimits = stubLimitsSchema.safeParse(rawLimits);
    if (!parsedLimits.success) throw new Error(`VENDOR_STUBS_LIMITS: ${describe(parsedLimits.error)}`);
    limits = parsedLimits.data;
  }
  return { port, host, accounts: accounts.data, limits };
}

// Paths and messages only: the values may be secrets.
function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`).join('; ');
}

async function main(): Promise<void> {
  let config: ServeConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`vendor-stubs: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const stubs = await startVendorStubs(config);
  process.stdout.write(`vendor-stubs: listening on ${stubs.baseUrl} (bloomreach, braze, voucherify, webhooks; control at /__stub, health at /health)\n`);
  const stop = (): void => {
    void stubs.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`vendor-stubs: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
