import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Where a value comes from: the environment or a file (a mounted secret). Credentials are only
 * ever references, so the destinations file can be committed and shown; the values are read once
 * at start and never logged.
 */
export const secretRefSchema = z.union([
  z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name') }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

/** A plain value, or a reference (for base URLs that differ per environment). */
export const valueRefSchema = z.union([z.string().min(1), z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/), default: z.string().min(1).optional() }).strict()]);
export type ValueRef = z.infer<typeof valueRefSchema>;

export type Env = Readonly<Record<string, string | undefined>>;

/** The referenced secret, or an error naming the reference (never the value). */
export function resolveSecret(ref: SecretRef, env: Env): { ok: true; value: string } | { ok: false; reason: string } {
  if ('env' in ref) {
    const value = env[ref.env];
    return value === undefined || value === '' ? { ok: false, reason: `environment variable ${ref.env} is not set` } : { ok: true, value };
  }
  try {
    const value = readFileSync(ref.file, 'utf8').trim();
    return value === '' ? { ok: false, reason: `secret file ${ref.file} is empty` } : { ok: true, value };
  } catch {
    return { ok: false, reason: `secret file ${ref.file} cannot be read` };
  }
}

export function resolveValue(ref: ValueRef, env: Env): { ok: true; value: string } | { ok: false; reason: string } {
  if (typeof ref === 'string') return { ok: true, value: ref };
  const value = env[ref.env] ?? ref.default;
  return value === undefined || value === '' ? { ok: false, reason: `environment variable ${ref.env} is not set` } : { ok: true, value };
}
