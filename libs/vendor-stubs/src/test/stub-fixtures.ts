import { type StubAccounts } from '../stub-accounts';

export const accounts: StubAccounts = {
  bloomreach: { projectToken: 'proj-0123-abcd', keyId: 'key-id-1', secret: 'bloomreach-secret-1', publicToken: 'public-token-1' },
  braze: { apiKey: 'braze-rest-key-1', keysWithoutPermission: ['braze-key-without-users-track'] },
  voucherify: { appId: 'app-id-1', appToken: 'app-token-1', eventSchema: ['points_earned', 'tier_changed'] },
  webhooks: { secret: 'webhook-secret-0123456789abcdef' },
};

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, or undefined when there is none. */
  readonly body: unknown;
}

/** Sends one request; the body is JSON-encoded unless already a string. */
export async function call(url: string, options: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const { method = 'POST', body, headers = {} } = options;
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

export function basic(keyId: string, secret: string): string {
  return `Basic ${Buffer.from(`${keyId}:${secret}`).toString('base64')}`;
}
