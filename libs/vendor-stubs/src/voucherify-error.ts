import { type HexIds } from './hex-ids';
import { json, type StubResponse } from './stub-http';

export interface VoucherifyErrorDetails {
  readonly details?: string;
  readonly resource_id?: string;
  readonly resource_type?: string;
}

/** Voucherify's error body: `code` and `message` always, here also `key` and a `v-<hex>` request id [DOC]. */
export function voucherifyError(ids: HexIds, status: number, key: string, message: string, extra: VoucherifyErrorDetails = {}): StubResponse {
  return json(status, { code: status, key, message, ...extra, request_id: ids.next('v-') });
}

/** 400 `invalid_payload`, the key Voucherify uses for type and schema violations. */
export function invalidPayload(ids: HexIds, details: string): StubResponse {
  return voucherifyError(ids, 400, 'invalid_payload', 'Invalid payload', { details });
}

export function customerNotFound(ids: HexIds, id: string): StubResponse {
  return voucherifyError(ids, 404, 'not_found', 'Resource not found', {
    details: `Cannot find customer with id ${id}`,
    resource_id: id,
    resource_type: 'customer',
  });
}
