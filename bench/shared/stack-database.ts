// The Postgres the local stack's services write to, with their credentials: `.stack/stack.env`
// parsed by the services' own schema (so the password comes from DATABASE_PASSWORD_FILE exactly
// as they read it, and is never echoed), and refused unless it is on this machine.
import { type DatabaseConfig, databaseEnvSchema, parseEnv } from '@loyalty/config';
import { assertLoopbackHost } from './loopback-brokers';
import { type StackFiles, readStackEnv } from './stack-files';

export function readStackDatabase(files: StackFiles): DatabaseConfig {
  const env = readStackEnv(files);
  // The schema defaults a missing host to 127.0.0.1; a stack.env without one is not the stack.
  if (env['DATABASE_HOST'] === undefined) throw new Error(`DATABASE_HOST is not set in ${files.envFile}: is the stack up?`);
  const database = parseEnv(databaseEnvSchema, env);
  assertLoopbackHost(database.host, `database ${database.host}:${database.port}`);
  return database;
}
