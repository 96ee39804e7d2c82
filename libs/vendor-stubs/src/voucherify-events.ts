import { type HexIds } from './hex-ids';
import { idText, isJsonObject, type JsonObject } from './json-body';
import { type StubResponse } from './stub-http';
import { customerNotFound, invalidPayload, voucherifyError } from './voucherify-error';
import { customerReference, type VoucherifyCustomer, type VoucherifyCustomers } from './voucherify-customers';
import { rejected, type StubContext } from './vendor-stub';

const MAX_EVENT_CHARS = 300;

/**
 * `POST /v1/events`: a custom event defined in the project's Event Schema, for a customer found by
 * `id` (404 if unknown) or `source_id` (created if unknown) [DOC].
 */
export function trackVoucherifyEvent(
  body: JsonObject,
  eventSchema: ReadonlySet<string>,
  customers: VoucherifyCustomers,
  ids: HexIds,
  context: StubContext,
  nowIso: string,
): StubResponse {
  const { event, customer, metadata } = body;
  if (typeof event !== 'string') return rejected(context, invalidPayload(ids, 'Property .event is required and must be string'));
  if (event.length === 0 || event.length > MAX_EVENT_CHARS) return rejected(context, invalidPayload(ids, 'Property .event must be 1 to 300 characters long'));
  if (customer === undefined || customer === null) return rejected(context, voucherifyError(ids, 400, 'missing_customer', 'Customer is missing', { details: 'Property .customer is required' }));
  if (!isJsonObject(customer) || (typeof customer.id !== 'string' && typeof customer.source_id !== 'string')) {
    return rejected(context, voucherifyError(ids, 400, 'invalid_customer', 'Invalid customer', { details: 'Property .customer must have a string id or source_id' }));
  }
  // STUB-CHOICE: an event missing from the Event Schema is 400 invalid_payload (the vendor's text is undocumented).
  if (!eventSchema.has(event)) return rejected(context, invalidPayload(ids, `Event '${event}' is not defined in the Event Schema`));
  if (metadata !== undefined && metadata !== null && !isJsonObject(metadata)) return rejected(context, invalidPayload(ids, 'Property .metadata must be object'));
  for (const field of ['loyalty', 'referral'] as const) {
    const value = body[field];
    if (value !== undefined && value !== null && (!isJsonObject(value) || typeof value.code !== 'string')) {
      return rejected(context, invalidPayload(ids, `Property .${field}.code is required`));
    }
  }
  let found: VoucherifyCustomer | undefined;
  if (typeof customer.id === 'string') {
    found = customers.findById(customer.id);
    if (found === undefined) return rejected(context, customerNotFound(ids, customer.id));
  }
  if (context.itemFails()) return rejected(context, invalidPayload(ids, 'Injected item failure'));
  // STUB-CHOICE: an existing customer is not updated by the event's customer fields.
  const subject = found ?? resolveBySourceId(customer.source_id as string, customer, customers, nowIso);
  context.accept({
    kind: 'event',
    customerId: subject.source_id ?? subject.id,
    eventId: isJsonObject(metadata) ? idText(metadata.event_id) : null,
    name: event,
    payload: body,
  });
  return {
    status: 200,
    body: { object: 'event', type: event, customer: customerReference(subject), referral: body.referral ?? null, loyalty: body.loyalty ?? null },
  };
}

function resolveBySourceId(sourceId: string, customer: JsonObject, customers: VoucherifyCustomers, nowIso: string): VoucherifyCustomer {
  return customers.bySourceId(sourceId) ?? customers.create(sourceId, customer, nowIso);
}
