import { type HexIds } from './hex-ids';
import { idText, isJsonObject, type JsonObject } from './json-body';
import { json, type StubResponse } from './stub-http';
import { customerFieldsProblem, customerObject, type VoucherifyCustomer, type VoucherifyCustomers } from './voucherify-customers';
import { customerNotFound, invalidPayload } from './voucherify-error';
import { rejected, type StubContext } from './vendor-stub';

/**
 * `POST /v1/customers` (`pathCustomerId` undefined) upserts by `id` or `source_id`, so a repeat is
 * an update, not a duplicate [DOC]; `PUT /v1/customers/{id or source_id}` updates an existing
 * customer, 404 otherwise. Updates are partial.
 */
export function upsertVoucherifyCustomer(
  pathCustomerId: string | undefined,
  body: JsonObject,
  customers: VoucherifyCustomers,
  ids: HexIds,
  context: StubContext,
  nowIso: string,
): StubResponse {
  const problem = customerFieldsProblem(body) ?? idProblem(body);
  if (problem !== undefined) return rejected(context, invalidPayload(ids, problem));
  let customer: VoucherifyCustomer | undefined;
  if (pathCustomerId !== undefined) {
    customer = customers.find(pathCustomerId);
    if (customer === undefined) return rejected(context, customerNotFound(ids, pathCustomerId));
  } else if (typeof body.id === 'string') {
    // With both given, source_id is ignored [DOC]. STUB-CHOICE: an unknown id is 404.
    customer = customers.findById(body.id);
    if (customer === undefined) return rejected(context, customerNotFound(ids, body.id));
  }
  if (context.itemFails()) return rejected(context, invalidPayload(ids, 'Injected item failure'));
  const sourceId = typeof body.source_id === 'string' ? body.source_id : null;
  customer ??= sourceId === null ? undefined : customers.bySourceId(sourceId);
  // STUB-CHOICE: id and source_id in a PUT body are ignored; they cannot be changed.
  const stored = customer === undefined ? customers.create(sourceId, body, nowIso) : customers.update(customer, body, nowIso);
  const metadata = isJsonObject(body.metadata) ? body.metadata : {};
  context.accept({
    kind: 'customer',
    customerId: stored.source_id ?? stored.id,
    eventId: idText(metadata.event_id) ?? idText(metadata.last_event_id),
    name: null,
    payload: body,
  });
  return json(200, customerObject(stored));
}

function idProblem(body: JsonObject): string | undefined {
  for (const field of ['id', 'source_id'] as const) {
    const value = body[field];
    if (value !== undefined && value !== null && (typeof value !== 'string' || value === '')) return `Property .${field} must be a non-empty string`;
  }
  return undefined;
}
