import { ISO_4217_CODES } from './iso-4217';
import { isIso8601 } from './iso-8601';
import { idText, isJsonObject, type JsonObject } from './json-body';
import { type AcceptedItem } from './vendor-stub';

export type BrazeArray = 'attributes' | 'events' | 'purchases';

export type BrazeObjectResult = { readonly ok: true; readonly item: AcceptedItem } | { readonly ok: false; readonly type: string };

const PRIMARY_IDS = ['external_id', 'user_alias', 'braze_id'] as const;
const MAX_EXTERNAL_ID_BYTES = 987;
const MAX_NAME_CHARS = 255;
const MAX_NESTED_PROPERTIES_BYTES = 50 * 1024;
const MAX_QUANTITY = 100;
const SUBSCRIPTION_STATES: ReadonlySet<unknown> = new Set(['opted_in', 'unsubscribed', 'subscribed']);
const EMAIL = /^[^\s@]+@[^\s@]+$/;

const fail = (type: string): BrazeObjectResult => ({ ok: false, type });

/**
 * Validates one object of a `/users/track` array. A failure is non-fatal [DOC]: the caller reports
 * it in `errors[]` and processes the other objects. Codes are Braze's where documented; the other
 * texts are STUB-CHOICE.
 */
export function validateBrazeObject(array: BrazeArray, value: unknown): BrazeObjectResult {
  if (!isJsonObject(value)) return fail('object must be a JSON object');
  const identity = identify(value);
  if (typeof identity !== 'string') return fail(identity.error);
  if (array === 'events') {
    if (typeof value.name !== 'string' || value.name === '') return fail("'name' is required");
    const time = checkTime(value.time) ?? checkProperties(value.properties);
    if (time !== undefined) return fail(time);
    return { ok: true, item: { kind: 'event', customerId: identity, eventId: eventIdOf(value), name: value.name, payload: value } };
  }
  if (array === 'purchases') {
    const problem = checkPurchase(value) ?? checkTime(value.time) ?? checkProperties(value.properties);
    if (problem !== undefined) return fail(problem);
    return { ok: true, item: { kind: 'purchase', customerId: identity, eventId: eventIdOf(value), name: value.product_id as string, payload: value } };
  }
  if (value.email_subscribe !== undefined && !SUBSCRIPTION_STATES.has(value.email_subscribe)) return fail('BAD_EMAIL_SUBSCRIPTION_STATE');
  if (value.push_subscribe !== undefined && !SUBSCRIPTION_STATES.has(value.push_subscribe)) return fail('BAD_PUSH_SUBSCRIPTION_STATE');
  return { ok: true, item: { kind: 'attributes', customerId: identity, eventId: idText(value.last_event_id), name: null, payload: value } };
}

/** The identifier the item is filed under; exactly one primary id, or else email, or else phone [DOC]. */
function identify(value: JsonObject): string | { error: string } {
  const primaries = PRIMARY_IDS.filter((key) => value[key] !== undefined && value[key] !== null);
  if (primaries.length > 1) return { error: "only one of 'external_id', 'braze_id' or 'user_alias' may be given" };
  if (value.email !== undefined && value.email !== null && (typeof value.email !== 'string' || !EMAIL.test(value.email))) {
    return { error: 'EMAIL_BAD_FORMAT' };
  }
  const primary = primaries[0];
  if (primary === 'external_id') {
    if (typeof value.external_id !== 'string' || value.external_id === '') return { error: "'external_id' must be a non-empty string" };
    if (Buffer.byteLength(value.external_id, 'utf8') > MAX_EXTERNAL_ID_BYTES) return { error: 'EXTERNAL_USER_ID_TOO_LARGE' };
    return value.external_id;
  }
  if (primary === 'braze_id') return typeof value.braze_id === 'string' && value.braze_id !== '' ? value.braze_id : { error: "'braze_id' must be a non-empty string" };
  if (primary === 'user_alias') {
    const alias = value.user_alias;
    const valid = isJsonObject(alias) && typeof alias.alias_name === 'string' && alias.alias_name !== '' && typeof alias.alias_label === 'string' && alias.alias_label !== '';
    return valid ? (alias.alias_name as string) : { error: "'user_alias' must have string 'alias_name' and 'alias_label'" };
  }
  if (typeof value.email === 'string') return value.email;
  if (typeof value.phone === 'string' && value.phone !== '') return value.phone;
  return { error: "'external_id' or 'braze_id' or 'user_alias' or 'email' or 'phone' is required" };
}

function checkTime(time: unknown): string | undefined {
  if (time === undefined || time === null) return "'time' is required";
  return isIso8601(time) ? undefined : "'time' must be an ISO-8601 date-time string";
}

function checkPurchase(value: JsonObject): string | undefined {
  const { product_id: productId, currency, price, quantity } = value;
  if (typeof productId !== 'string' || productId === '' || productId.length > MAX_NAME_CHARS) return "'product_id' must be a string of 1 to 255 characters";
  if (typeof currency !== 'string' || !ISO_4217_CODES.has(currency)) return "'currency' must be an ISO-4217 currency code";
  if (typeof price !== 'number' || !Number.isFinite(price)) return "'price' must be a number";
  if (quantity !== undefined && (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY)) {
    return "'quantity' must be an integer from 1 to 100";
  }
  return undefined;
}

function checkProperties(properties: unknown): string | undefined {
  if (properties === undefined) return undefined;
  if (!isJsonObject(properties)) return "'properties' must be an object";
  let nested = false;
  for (const [name, value] of Object.entries(properties)) {
    if (name === '') return 'property names must not be empty';
    if (name.length > MAX_NAME_CHARS) return `property name '${name.slice(0, 32)}...' is longer than 255 characters`;
    if (name.startsWith('$')) return `property name '${name}' must not start with '$'`;
    if (typeof value === 'string' && value.length > MAX_NAME_CHARS) return `property '${name}' is a string longer than 255 characters`;
    if (typeof value === 'object' && value !== null) nested = true;
  }
  // Only a payload with arrays or objects may grow to 50 KB [DOC]; flat ones are bounded by the rules above.
  if (nested && Buffer.byteLength(JSON.stringify(properties), 'utf8') > MAX_NESTED_PROPERTIES_BYTES) return 'properties are larger than 50 KB';
  return undefined;
}

function eventIdOf(value: JsonObject): string | null {
  return isJsonObject(value.properties) ? idText(value.properties.event_id) : null;
}
