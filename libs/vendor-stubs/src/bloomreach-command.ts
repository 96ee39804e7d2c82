import { idText, isJsonObject, type JsonObject } from './json-body';
import { type AcceptedItem } from './vendor-stub';

export type BloomreachCommandName = 'customers' | 'customers/events';

export interface BloomreachValidation {
  readonly rejectMillisecondTimestamps: boolean;
  /** False when the whole body is under 16 KB: no value can then reach the limit, so the walk is skipped. */
  readonly checkValueSizes: boolean;
}

export type BloomreachCommandResult = { readonly ok: true; readonly item: AcceptedItem } | { readonly ok: false; readonly errors: string[] };

const NO_ID = 'At least one id should be specified.';
// Each property value must stay under 16 KB [DOC]; "16 KB or more" is refused.
const MAX_VALUE_BYTES = 16 * 1024;
// Above this a number is far in the future as seconds (year 5138) but recent as milliseconds.
const MILLISECONDS_THRESHOLD = 1e11;

/**
 * Validates the `data` of an add-event (`customers/events`) or update-customer (`customers`)
 * command, the same payload as the single routes, and describes the item to record.
 */
export function validateBloomreachCommand(name: BloomreachCommandName, data: unknown, options: BloomreachValidation): BloomreachCommandResult {
  if (!isJsonObject(data)) return { ok: false, errors: [NO_ID] };
  const errors: string[] = [];
  const customer = customerIdOf(data.customer_ids);
  if (typeof customer !== 'string') errors.push(customer.error);
  const properties = data.properties;
  if (name === 'customers/events') {
    if (typeof data.event_type !== 'string' || data.event_type.trim() === '') errors.push('event_type is required and must be a non-empty string.');
    if (properties !== undefined && !isJsonObject(properties)) errors.push('properties must be an object.');
    checkTimestamp('timestamp', data.timestamp, options, errors);
  } else {
    // The update-customer doc requires at least one property.
    if (!isJsonObject(properties) || Object.keys(properties).length === 0) errors.push('properties must be an object with at least one property.');
    checkTimestamp('update_timestamp', data.update_timestamp, options, errors);
  }
  if (options.checkValueSizes && isJsonObject(properties)) checkValueSizes(properties, errors);
  if (errors.length > 0 || typeof customer !== 'string') return { ok: false, errors };
  const props: JsonObject = isJsonObject(properties) ? properties : {};
  if (name === 'customers/events') {
    return { ok: true, item: { kind: 'event', customerId: customer, eventId: idText(props.event_id), name: data.event_type as string, payload: data } };
  }
  return { ok: true, item: { kind: 'customer', customerId: customer, eventId: idText(props.event_id) ?? idText(props.last_event_id), name: null, payload: data } };
}

/** The id the item is filed under: `registered` when valid, else the first valid id. */
function customerIdOf(ids: unknown): string | { error: string } {
  if (!isJsonObject(ids)) return { error: NO_ID };
  let first: string | undefined;
  for (const [key, value] of Object.entries(ids)) {
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string') return { error: 'Invalid customer_id' };
    if (!isValidId(value)) continue;
    if (key === 'registered') return value;
    first ??= value;
  }
  return first ?? { error: NO_ID };
}

// An id needs one alphanumeric character and must not be the text of a missing value [DOC].
function isValidId(value: string): boolean {
  return /[A-Za-z0-9]/.test(value) && value !== 'undefined' && value !== 'null';
}

function checkTimestamp(field: string, value: unknown, options: BloomreachValidation, errors: string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    errors.push(`${field} must be a number of Unix seconds.`);
  } else if (options.rejectMillisecondTimestamps && value > MILLISECONDS_THRESHOLD) {
    errors.push(`${field} looks like milliseconds; send Unix seconds.`);
  }
}

function checkValueSizes(properties: JsonObject, errors: string[]): void {
  for (const [key, value] of Object.entries(properties)) {
    const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
    if (Buffer.byteLength(text, 'utf8') >= MAX_VALUE_BYTES) errors.push(`Value of property ${key} is 16 KB or more.`);
  }
}
