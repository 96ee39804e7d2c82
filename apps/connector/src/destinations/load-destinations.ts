import { readFileSync } from 'node:fs';
import { type DestinationConfig, destinationsFileSchema } from './destination-config';
import { type Env, type SecretRef, type ValueRef, resolveSecret, resolveValue } from './secret-ref';
import { BloomreachAdapter } from '../vendors/bloomreach.adapter';
import { BrazeAdapter } from '../vendors/braze.adapter';
import { type VendorAdapter } from '../vendors/vendor-adapter';
import { VoucherifyAdapter } from '../vendors/voucherify.adapter';
import { WebhookAdapter } from '../vendors/webhook.adapter';

export interface Destination {
  readonly config: DestinationConfig;
  readonly adapter: VendorAdapter;
  /** Where requests go (no credentials), for status pages and logs. */
  readonly endpoint: string;
}

/**
 * Reads and validates the destinations file, and resolves each enabled destination's credentials.
 * Problems come back as one list naming the file's paths and the variables or files referenced,
 * never a value. Disabled destinations need no credentials.
 */
export function loadDestinations(file: string, env: Env): { ok: true; destinations: Destination[] } | { ok: false; problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { ok: false, problems: [`${file}: cannot be read as JSON (${(error as NodeJS.ErrnoException).code ?? 'invalid JSON'})`] };
  }
  const parsed = destinationsFileSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${file}: ${i.path.map(String).join('.')}: ${i.message}`) };
  const problems: string[] = [];
  const destinations: Destination[] = [];
  for (const config of parsed.data.destinations) {
    if (!config.enabled) continue;
    const built = buildAdapter(config, env);
    if (built.ok) destinations.push({ config, adapter: built.adapter, endpoint: built.endpoint });
    else problems.push(...built.problems.map((p) => `destination ${config.name}: ${p}`));
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, destinations };
}

function buildAdapter(config: DestinationConfig, env: Env): { ok: true; adapter: VendorAdapter; endpoint: string } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const secret = (ref: SecretRef) => take(resolveSecret(ref, env), problems);
  const value = (ref: ValueRef) => take(resolveValue(ref, env), problems);
  switch (config.type) {
    case 'bloomreach': {
      const c = { baseUrl: value(config.baseUrl), projectToken: value(config.projectToken), keyId: secret(config.keyId), secret: secret(config.secret) };
      return problems.length > 0 ? { ok: false, problems } : { ok: true, adapter: new BloomreachAdapter(config, c), endpoint: c.baseUrl };
    }
    case 'braze': {
      const c = { baseUrl: value(config.baseUrl), apiKey: secret(config.apiKey) };
      return problems.length > 0 ? { ok: false, problems } : { ok: true, adapter: new BrazeAdapter(config, c), endpoint: c.baseUrl };
    }
    case 'voucherify': {
      const c = { baseUrl: value(config.baseUrl), appId: secret(config.appId), appToken: secret(config.appToken) };
      return problems.length > 0 ? { ok: false, problems } : { ok: true, adapter: new VoucherifyAdapter(config, c), endpoint: c.baseUrl };
    }
    case 'webhook': {
      const c = { url: value(config.url), signingSecret: secret(config.signingSecret) };
      return problems.length > 0 ? { ok: false, problems } : { ok: true, adapter: new WebhookAdapter(config, c), endpoint: c.url };
    }
    default: {
      const unreachable: never = config;
      throw new Error(`unknown destination ${JSON.stringify(unreachable)}`);
    }
  }
}

function take(result: { ok: true; value: string } | { ok: false; reason: string }, problems: string[]): string {
  if (result.ok) return result.value;
  problems.push(result.reason);
  return '';
}
