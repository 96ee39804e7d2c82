import { createHmac } from 'node:crypto';

/**
 * The signature of an outgoing webhook: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * The timestamp is signed with the body, so a receiver that refuses old timestamps also refuses
 * replays of a captured request.
 *
 * @example
 * signWebhook('whsec_…', '{"id":"e1"}', 1767225600); // 't=1767225600,v1=5f2b…'
 */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}
