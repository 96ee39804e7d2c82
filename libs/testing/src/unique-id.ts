import { randomBytes } from 'node:crypto';

/** A short unique id for a test's topics, groups, subjects and database, so specs never share state. */
export function uniqueTestId(label = 't'): string {
  return `${label}${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}
