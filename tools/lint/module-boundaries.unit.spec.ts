import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'node_modules', '.bin');

interface LintMessage {
  readonly ruleId: string | null;
  readonly message: string;
}

/** Lints `code` as if it were the file at `path` (relative to the repo), with the project's CLI and config. */
function lintAs(path: string, code: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      join(BIN, 'eslint'),
      ['--format', 'json', '--stdin', '--stdin-filename', join(ROOT, path)],
      { cwd: ROOT, env: { ...process.env, NX_DAEMON: 'false' } },
      (error, stdout) => {
        // eslint exits 1 when it reports problems; only unparseable output is a failure here.
        try {
          const [result] = JSON.parse(stdout) as { messages: LintMessage[] }[];
          resolve((result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message));
        } catch {
          reject(error ?? new Error(`eslint printed no JSON: ${stdout}`));
        }
      },
    );
    child.stdin?.end(code);
  });
}

describe('module boundaries (enforced by lint)', () => {
  beforeAll(() => {
    // The Nx rule reads the project graph from Nx's cache; compute it as `npm run lint` does.
    execFileSync(join(BIN, 'nx'), ['show', 'projects'], { cwd: ROOT, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
  }, 60_000);

  it('the domain may not import infrastructure libraries or packages', async () => {
    expect(await lintAs('libs/domain/src/probe.ts', "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n")).toEqual([
      expect.stringContaining('not allowed to import "kafkajs"'),
    ]);
    expect(await lintAs('libs/domain/src/probe.ts', "import { createDatabase } from '@loyalty/db';\nexport const c = createDatabase;\n")).not.toEqual([]);
  });

  it('the kafka library may not import the db library', async () => {
    expect(await lintAs('libs/kafka/src/probe.ts', "import { createDatabase } from '@loyalty/db';\nexport const c = createDatabase;\n")).not.toEqual([]);
  });

  it('production code may not import the test helpers; specs may', async () => {
    const code = "import { uniqueTestId } from '@loyalty/testing';\nexport const u = uniqueTestId;\n";
    expect(await lintAs('apps/ingestion/src/probe.ts', code)).not.toEqual([]);
    expect(await lintAs('apps/ingestion/src/probe.int.spec.ts', code)).toEqual([]);
  });

  it('allowed imports pass: an app uses the domain and the kafka library', async () => {
    const code = "import { memberKey } from '@loyalty/domain';\nimport { LEDGER_TOPIC } from '@loyalty/kafka';\nexport const x = [memberKey, LEDGER_TOPIC];\n";
    expect(await lintAs('apps/ingestion/src/probe.ts', code)).toEqual([]);
  });
});
