import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Postgres settings. The password comes from DATABASE_PASSWORD_FILE (preferred: a mounted secret)
 * or DATABASE_PASSWORD; it is never part of a URL that could end up in a log.
 */
export const databaseEnvSchema = z
  .object({
    DATABASE_HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_PORT: z.coerce.number().int().min(1).max(65535).default(5432),
    DATABASE_NAME: z.string().min(1).default('loyalty'),
    DATABASE_USER: z.string().min(1).default('loyalty'),
    DATABASE_PASSWORD: z.string().optional(),
    DATABASE_PASSWORD_FILE: z.string().optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  })
  .transform((env, ctx) => {
    let password = env.DATABASE_PASSWORD;
    if (password === undefined && env.DATABASE_PASSWORD_FILE !== undefined) {
      try {
        password = readFileSync(env.DATABASE_PASSWORD_FILE, 'utf8').trim();
      } catch {
        ctx.addIssue({ code: 'custom', path: ['DATABASE_PASSWORD_FILE'], message: 'cannot be read' });
        return z.NEVER;
      }
    }
    if (password === undefined) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_PASSWORD'], message: 'is required (or DATABASE_PASSWORD_FILE)' });
      return z.NEVER;
    }
    return {
      host: env.DATABASE_HOST,
      port: env.DATABASE_PORT,
      database: env.DATABASE_NAME,
      user: env.DATABASE_USER,
      password,
      poolSize: env.DATABASE_POOL_SIZE,
    };
  });
export type DatabaseConfig = z.infer<typeof databaseEnvSchema>;
