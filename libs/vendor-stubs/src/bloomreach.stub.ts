import { bloomreachAuthFailure } from './bloomreach-auth';
import { validateBloomreachCommand, type BloomreachCommandName, type BloomreachValidation } from './bloomreach-command';
import { isJsonObject, parseJson } from './json-body';
import { FixedWindowLimiter } from './rate-limit';
import { type StubAccounts } from './stub-accounts';
import { headerValue, isJsonContentType, json, SERVER_ERROR_TEXT, type StubRequest, type StubResponse } from './stub-http';
import { type ResolvedLimits } from './stub-limits';
import { type StubContext, type VendorStub } from './vendor-stub';

const ROUTE = /^\/track\/v2\/projects\/([^/]+)\/(customers|customers\/events|batch)$/;
// "Message < 800 KB" [DOC]: 800 KB or more is refused.
const MAX_BODY_BYTES = 800 * 1024;
// Below this size no single property value can reach 16 KB, so the size walk is skipped.
const VALUE_CHECK_FROM_BYTES = 16 * 1024;
const INVALID_JSON = json(400, { success: false, message: 'Invalid JSON' });

type Route = BloomreachCommandName | 'batch';

/** Bloomreach Engagement Tracking API v2: add event, update customer, batch. */
export class BloomreachStub implements VendorStub {
  readonly vendor = 'bloomreach';
  readonly maxBodyBytes = MAX_BODY_BYTES;
  private readonly limiter: FixedWindowLimiter;

  constructor(
    private readonly account: StubAccounts['bloomreach'],
    private readonly limits: ResolvedLimits,
  ) {
    this.limiter = new FixedWindowLimiter(limits.bloomreachRequestsPerMinute, 60_000);
  }

  handle(request: StubRequest, context: StubContext): StubResponse {
    const match = ROUTE.exec(request.path);
    if (match === null) return json(404, { success: false, error: 'The requested URL was not found on the server' });
    // Per client IP, counted before auth: over the limit the data is dropped [DOC].
    if (!this.limiter.take(request.clientIp, request.nowMs).allowed) return json(429, { success: false, error: 'Too Many Requests' });
    // STUB-CHOICE: 405 for other methods.
    if (request.method !== 'POST') return json(405, { success: false, error: 'Method Not Allowed' }, { allow: 'POST' });
    const authFailure = bloomreachAuthFailure(headerValue(request.headers, 'authorization'), request.query.get('access_token'), this.account);
    if (authFailure !== undefined) return authFailure;
    if (safeDecode(match[1] ?? '') !== this.account.projectToken) return json(400, { success: false, error: 'Invalid project id' });
    // STUB-CHOICE: the header is documented as required; its absence is answered 415.
    if (!isJsonContentType(request.headers)) return json(415, { success: false, message: 'Content-Type must be application/json' });
    // STUB-CHOICE: 413 for a body of 800 KB or more.
    if (request.bodyTooLarge || request.body.length >= MAX_BODY_BYTES) return json(413, { success: false, message: 'Request body must be smaller than 800 KB' });
    const parsed = parseJson(request.body);
    if (!parsed.ok || !isJsonObject(parsed.value)) return INVALID_JSON;
    const validation: BloomreachValidation = {
      rejectMillisecondTimestamps: this.limits.bloomreachRejectMillisecondTimestamps,
      checkValueSizes: request.body.length >= VALUE_CHECK_FROM_BYTES,
    };
    const route = match[2] as Route;
    if (route === 'batch') return this.batch(parsed.value.commands, request, validation, context);
    return this.single(route, parsed.value, validation, context);
  }

  injectedRateLimit(_request: StubRequest, retryAfterSeconds: number | null): StubResponse {
    return json(429, { success: false, error: 'Too Many Requests' }, retryAfterSeconds === null ? undefined : { 'retry-after': String(retryAfterSeconds) });
  }

  injectedServerError(_request: StubRequest, status: number): StubResponse {
    return json(status, { success: false, error: SERVER_ERROR_TEXT[status] ?? 'Server Error' });
  }

  reset(): void {
    this.limiter.clear();
  }

  private single(name: BloomreachCommandName, data: unknown, validation: BloomreachValidation, context: StubContext): StubResponse {
    const failureStatus = this.limits.bloomreachSingleErrorStatus;
    const result = validateBloomreachCommand(name, data, validation);
    if (!result.ok) {
      context.reject();
      return json(failureStatus, { success: false, errors: result.errors });
    }
    if (context.itemFails()) {
      context.reject();
      return json(failureStatus, { success: false, errors: ['Injected item failure'] });
    }
    context.accept(result.item);
    return json(200, { success: true, errors: [] });
  }

  private batch(commands: unknown, request: StubRequest, validation: BloomreachValidation, context: StubContext): StubResponse {
    // STUB-CHOICE: whole-batch structure errors are 400 with the documented `message` key.
    if (!Array.isArray(commands) || commands.length === 0) return json(400, { success: false, message: 'commands must be a non-empty array' });
    const max = this.limits.bloomreachMaxBatchCommands;
    if (commands.length > max) return json(400, { success: false, message: `Too many commands: ${commands.length} (maximum ${max})` });
    const startTime = request.nowMs / 1000;
    // Results are positional [DOC]; command_id is echoed so a client can also match by id.
    const results = commands.map((command: unknown) => this.command(command, validation, context));
    return json(200, { results, start_time: startTime, end_time: Date.now() / 1000, success: true });
  }

  private command(command: unknown, validation: BloomreachValidation, context: StubContext): Record<string, unknown> {
    const echo = isJsonObject(command) && command.command_id !== undefined ? { command_id: command.command_id } : {};
    const name = isJsonObject(command) ? command.name : undefined;
    if (name === 'system/time') return { success: true, time: Date.now() / 1000, ...echo };
    if (name !== 'customers' && name !== 'customers/events') {
      // STUB-CHOICE: an unknown command name fails that command only.
      context.reject();
      return { success: false, errors: ['Unknown command name.'], ...echo };
    }
    const result = validateBloomreachCommand(name, (command as Record<string, unknown>).data, validation);
    if (!result.ok) {
      context.reject();
      return { success: false, errors: result.errors, ...echo };
    }
    if (context.itemFails()) {
      context.reject();
      return { success: false, errors: ['Injected item failure'], ...echo };
    }
    context.accept(result.item);
    return { success: true, ...echo };
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
