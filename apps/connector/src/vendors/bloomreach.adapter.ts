import { type BloomreachDestination } from '../destinations/destination-config';
import { mapFields } from './loyalty-field';
import { retryAfterMs, statusClass } from './retry-after';
import { type DeliveryItem, type RequestPart, type VendorAdapter, type VendorRequest, type VendorResponse, type Verdict, distinctEventIds, excerpt, parseJson, unixSeconds } from './vendor-adapter';

export interface BloomreachCredentials {
  readonly baseUrl: string;
  readonly projectToken: string;
  readonly keyId: string;
  readonly secret: string;
}

interface Command {
  readonly name: 'customers' | 'customers/events';
  readonly command_id: string;
  readonly data: Record<string, unknown>;
}

/**
 * Bloomreach Engagement's tracking API v2, through `/batch` (at most 50 commands, Basic auth).
 * Each event becomes a `customers/events` command carrying the mapped properties and `event_id`
 * (the seeds' tier event: tier_id, tier_name, tenant_code, levelMove), preceded by a `customers`
 * command with the mapped attributes, stamped with `update_timestamp` so a late retry never
 * overwrites fresher values. `success:false`, whole or per command, is final: "retrying will not help".
 */
export class BloomreachAdapter implements VendorAdapter {
  private readonly url: string;
  private readonly authorization: string;

  constructor(
    private readonly config: BloomreachDestination,
    credentials: BloomreachCredentials,
  ) {
    this.url = `${credentials.baseUrl.replace(/\/+$/, '')}/track/v2/projects/${encodeURIComponent(credentials.projectToken)}/batch`;
    this.authorization = `Basic ${Buffer.from(`${credentials.keyId}:${credentials.secret}`).toString('base64')}`;
  }

  build(items: readonly DeliveryItem[]): VendorRequest[] {
    const requests: VendorRequest[] = [];
    let commands: Command[] = [];
    const flush = () => {
      if (commands.length === 0) return;
      const parts: RequestPart[] = commands.map((c, index) => ({ eventId: c.command_id.slice(0, c.command_id.lastIndexOf(':')), array: 'commands', index }));
      requests.push({ method: 'POST', url: this.url, body: JSON.stringify({ commands }), parts, eventIds: distinctEventIds(parts), headers: {} });
      commands = [];
    };
    for (const item of items) {
      const own = this.commandsFor(item);
      // An event's commands travel together, so one answer settles the event.
      if (commands.length + own.length > this.config.batchSize) flush();
      commands.push(...own);
    }
    flush();
    return requests;
  }

  private commandsFor(item: DeliveryItem): Command[] {
    const { event } = item;
    const customerIds = { [this.config.customerIdName]: item.hardId };
    const commands: Command[] = [];
    const attributes = mapFields(event, this.config.attributes);
    if (Object.keys(attributes).length > 0) {
      commands.push({ name: 'customers', command_id: `${event.eventId}:customer`, data: { customer_ids: customerIds, properties: attributes, update_timestamp: unixSeconds(event.occurredAt) } });
    }
    const properties = { ...mapFields(event, this.config.eventProperties), tenant_code: this.config.tenantCode ?? event.tenantId, event_id: event.eventId };
    commands.push({
      name: 'customers/events',
      command_id: `${event.eventId}:event`,
      data: { customer_ids: customerIds, event_type: this.config.eventNames[event.type] ?? `loyalty_${event.type}`, timestamp: unixSeconds(event.occurredAt), properties },
    });
    return commands;
  }

  authorize(): Record<string, string> {
    return { authorization: this.authorization, 'content-type': 'application/json', accept: 'application/json' };
  }

  interpret(request: VendorRequest, response: VendorResponse, nowMs: number): Verdict {
    const kind = statusClass(response.status);
    if (kind === 'rate-limited' || kind === 'server-error') {
      // Bloomreach drops the data of a 429; it documents no Retry-After, but one is honoured if sent.
      return { kind: 'retry', reason: `HTTP ${response.status}`, retryAfterMs: retryAfterMs(response.headers, { seconds: ['retry-after'] }, nowMs), rateLimited: kind === 'rate-limited' };
    }
    if (kind === 'client-error') return { kind: 'rejected', reason: `HTTP ${response.status}: ${excerpt(response.body, 500)}` };
    const body = parseJson(response.body) as { success?: unknown; results?: unknown } | undefined;
    if (body?.success !== true || !Array.isArray(body.results)) return { kind: 'rejected', reason: `batch refused: ${excerpt(response.body, 500)}` };
    if (body.results.length !== request.parts.length) return { kind: 'rejected', reason: `batch answered ${body.results.length} results for ${request.parts.length} commands` };
    const failed = new Map<string, string>();
    body.results.forEach((result: unknown, index) => {
      const r = result as { success?: unknown; errors?: unknown } | null;
      const part = request.parts[index];
      if (part !== undefined && r?.success !== true) failed.set(part.eventId, `command ${index} failed: ${JSON.stringify(r?.errors ?? r)}`);
    });
    return { kind: 'accepted', failed };
  }
}
