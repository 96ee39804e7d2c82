import { type z } from 'zod';
import { ConfigError } from './config-error';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses the environment once, at start-up, against a zod schema whose keys are variable names.
 * Every problem names the variable, so a bad deployment says exactly what to fix.
 *
 * @example
 * const config = parseEnv(kafkaEnvSchema, process.env); // throws ConfigError naming KAFKA_BROKERS
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.map(String).join('.') || '(environment)';
    // Values are never echoed: they may be secrets.
    return `${variable}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/**
 * Loads a service's configuration or stops the process with a message naming each bad variable.
 * Used once, at the top of each service's main.
 */
export function loadConfigOrExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    process.stderr.write(`${service}: ${(error as Error).message}\n`);
    process.exit(78); // EX_CONFIG
  }
}

/**
 * Parses several concerns at once and reports the problems of all of them together, so one start
 * attempt names every bad variable.
 *
 * @example
 * const { kafka, auth } = parseEnvAll({ kafka: kafkaEnvSchema, auth: authEnvSchema }, process.env);
 */
export function parseEnvAll<T extends Record<string, z.ZodType>>(schemas: T, env: Env): { [K in keyof T]: z.infer<T[K]> } {
  const problems: string[] = [];
  const parsed: Partial<Record<keyof T, unknown>> = {};
  for (const key of Object.keys(schemas) as (keyof T)[]) {
    try {
      parsed[key] = parseEnv(schemas[key] as z.ZodType, env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed as { [K in keyof T]: z.infer<T[K]> };
}
