import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import { z } from 'zod';
import { databaseEnvSchema, loadConfigOrExit, parseEnvAll } from '@loyalty/config';
import { type ConnectorDatabase, createPool } from '@loyalty/db';
import { listDeadLetters, showDeadLetter } from '../ops/dead-letters.query';

const USAGE = `usage: npm run connector -- <command>
  replay --destination <name> --from <offset|ISO-8601 time>   send a destination the public events again from there
  dlq list --destination <name> [--limit <n>]                  a destination's dead letters, newest first
  dlq show --destination <name> <eventId>                      one dead letter: request, response, reason, event
  dlq redrive --destination <name> [--event <id>]...           send dead letters again (all, or the named events)

replay and redrive ask the running connector (CONNECTOR_URL, with the admin key in ADMIN_KEY or the
file ADMIN_KEY_FILE); list and show read the connector's journal in Postgres.`;

const cliEnv = z.object({
  CONNECTOR_URL: z.string().url().default('http://127.0.0.1:3004'),
  ADMIN_KEY: z.string().min(1).optional(),
  ADMIN_KEY_FILE: z.string().min(1).optional(),
});

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { destination: { type: 'string' }, from: { type: 'string' }, limit: { type: 'string' }, event: { type: 'string', multiple: true }, help: { type: 'boolean' } },
  });
  const [command, sub, arg] = positionals;
  if (values.help === true || command === undefined) return usage(values.help === true ? 0 : 2);
  const destination = values.destination;
  if (destination === undefined) return usage(2, '--destination is required');

  if (command === 'replay') {
    if (values.from === undefined) return usage(2, '--from is required');
    return callService(`/admin/destinations/${encodeURIComponent(destination)}/replay`, { from: values.from });
  }
  if (command === 'dlq' && sub === 'redrive') {
    return callService(`/admin/destinations/${encodeURIComponent(destination)}/redrive`, values.event === undefined ? {} : { eventIds: values.event });
  }
  if (command === 'dlq' && (sub === 'list' || sub === 'show')) {
    const { database } = loadConfigOrExit('connector-cli', () => parseEnvAll({ database: databaseEnvSchema }, process.env));
    const db = new Kysely<ConnectorDatabase>({ dialect: new PostgresDialect({ pool: createPool(database, 'connector-cli') }) });
    try {
      if (sub === 'list') {
        const letters = await listDeadLetters(db, destination, Number(values.limit ?? 50));
        if (letters.length === 0) console.log(`no dead letters for ${destination}`);
        for (const l of letters) console.log(`${l.deadAt}  ${l.eventId}  ${l.eventType}  member ${l.memberId}  attempts ${l.attempts}  ${l.reason ?? ''}`);
        return 0;
      }
      if (arg === undefined) return usage(2, 'dlq show needs an event id');
      const letter = await showDeadLetter(db, destination, arg);
      if (letter === undefined) {
        console.error(`no dead letter ${arg} for ${destination}`);
        return 1;
      }
      console.log(JSON.stringify(letter, null, 2));
      return 0;
    } finally {
      await db.destroy();
    }
  }
  return usage(2, `unknown command: ${positionals.join(' ')}`);
}

async function callService(path: string, body: unknown): Promise<number> {
  const env = cliEnv.parse(process.env);
  const key = env.ADMIN_KEY ?? (env.ADMIN_KEY_FILE === undefined ? undefined : readFileSync(env.ADMIN_KEY_FILE, 'utf8').trim());
  if (key === undefined) {
    console.error('no admin key: set ADMIN_KEY or ADMIN_KEY_FILE');
    return 2;
  }
  let res: Response;
  try {
    res = await fetch(`${env.CONNECTOR_URL}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-admin-key': key }, body: JSON.stringify(body), signal: AbortSignal.timeout(600_000) });
  } catch (error) {
    console.error(`the connector does not answer at ${env.CONNECTOR_URL} (${(error as Error).message}); start it first`);
    return 1;
  }
  const text = await res.text();
  console.log(text.startsWith('{') ? JSON.stringify(JSON.parse(text), null, 2) : text);
  return res.ok ? 0 : 1;
}

function usage(code: number, problem?: string): number {
  if (problem !== undefined) console.error(problem);
  (code === 0 ? console.log : console.error)(USAGE);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
