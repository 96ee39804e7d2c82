import { type StubAccounts } from './stub-accounts';
import { json, type StubResponse } from './stub-http';

/** Refusal bodies use the singular `error`, as Bloomreach's auth errors do (validation uses `errors`). */
const refuse = (status: number, error: string): StubResponse => json(status, { success: false, error });

/**
 * Checks Bloomreach access: private `Basic base64(keyId:secret)` or public `Token <token>` (or the
 * `access_token` query parameter when a header cannot be set). Returns the refusal, or undefined.
 */
export function bloomreachAuthFailure(
  authorization: string | undefined,
  accessToken: string | null,
  account: StubAccounts['bloomreach'],
): StubResponse | undefined {
  if (authorization === undefined || authorization.trim() === '') {
    if (accessToken === null || accessToken === '') return refuse(401, 'Access key not provided');
    return account.publicToken !== undefined && accessToken === account.publicToken ? undefined : refuse(401, 'Access key not found');
  }
  const space = authorization.indexOf(' ');
  const scheme = (space === -1 ? authorization : authorization.slice(0, space)).toLowerCase();
  const credentials = space === -1 ? '' : authorization.slice(space + 1).trim();
  if (credentials === '') return refuse(401, 'Access key not provided');
  if (scheme === 'token') {
    // STUB-CHOICE: an unknown public token is 401, like an unknown key id.
    return account.publicToken !== undefined && credentials === account.publicToken ? undefined : refuse(401, 'Access key not found');
  }
  if (scheme !== 'basic') return refuse(401, 'Access key not provided');
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return refuse(401, 'Access key not provided');
  if (decoded.slice(0, colon) !== account.keyId) return refuse(401, 'Access key not found');
  if (decoded.slice(colon + 1) !== account.secret) return refuse(403, 'invalid secret');
  return undefined;
}
