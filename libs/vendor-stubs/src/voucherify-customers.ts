import { type HexIds } from './hex-ids';
import { isJsonObject, type JsonObject } from './json-body';

/** A customer as the stub stores it; returned as Voucherify's customer object. */
export interface VoucherifyCustomer {
  readonly id: string;
  readonly source_id: string | null;
  readonly fields: JsonObject;
  readonly created_at: string;
  updated_at: string | null;
}

const TEXT_FIELDS = ['name', 'email', 'phone', 'description'] as const;
const BIRTHDATE = /^\d{4}-\d{2}-\d{2}$/;

/** The type violation in a customer's updatable fields, as Voucherify words it ("Property .name must be string"). */
export function customerFieldsProblem(body: JsonObject): string | undefined {
  for (const field of TEXT_FIELDS) {
    const value = body[field];
    if (value !== undefined && value !== null && typeof value !== 'string') return `Property .${field} must be string`;
  }
  if (body.birthdate !== undefined && body.birthdate !== null && (typeof body.birthdate !== 'string' || !BIRTHDATE.test(body.birthdate))) {
    return 'Property .birthdate must be a date in the format YYYY-MM-DD';
  }
  for (const field of ['address', 'metadata'] as const) {
    const value = body[field];
    if (value !== undefined && value !== null && !isJsonObject(value)) return `Property .${field} must be object`;
  }
  return undefined;
}

/** The customers of the stub's project, found by Voucherify `id` or by `source_id`. */
export class VoucherifyCustomers {
  private readonly byId = new Map<string, VoucherifyCustomer>();
  private readonly idBySourceId = new Map<string, string>();

  constructor(private readonly ids: HexIds) {}

  find(idOrSourceId: string): VoucherifyCustomer | undefined {
    return this.byId.get(idOrSourceId) ?? this.bySourceId(idOrSourceId);
  }

  findById(id: string): VoucherifyCustomer | undefined {
    return this.byId.get(id);
  }

  bySourceId(sourceId: string): VoucherifyCustomer | undefined {
    const id = this.idBySourceId.get(sourceId);
    return id === undefined ? undefined : this.byId.get(id);
  }

  create(sourceId: string | null, body: JsonObject, nowIso: string): VoucherifyCustomer {
    const customer: VoucherifyCustomer = { id: this.ids.next('cust_'), source_id: sourceId, fields: {}, created_at: nowIso, updated_at: null };
    applyFields(customer, body);
    this.byId.set(customer.id, customer);
    if (sourceId !== null) this.idBySourceId.set(sourceId, customer.id);
    return customer;
  }

  /** A partial update: fields not sent stay as they were [DOC]. */
  update(customer: VoucherifyCustomer, body: JsonObject, nowIso: string): VoucherifyCustomer {
    applyFields(customer, body);
    customer.updated_at = nowIso;
    return customer;
  }

  clear(): void {
    this.byId.clear();
    this.idBySourceId.clear();
  }
}

function applyFields(customer: VoucherifyCustomer, body: JsonObject): void {
  for (const field of [...TEXT_FIELDS, 'birthdate', 'address', 'metadata'] as const) {
    // STUB-CHOICE: a sent `metadata` replaces the stored one as a whole.
    if (body[field] !== undefined) customer.fields[field] = body[field];
  }
}

/** Voucherify's customer object (the fields a client reads; summaries are zeros). */
export function customerObject(customer: VoucherifyCustomer): JsonObject {
  return {
    id: customer.id,
    source_id: customer.source_id,
    ...customer.fields,
    metadata: customer.fields.metadata ?? {},
    summary: {
      redemptions: { total_redeemed: 0, total_failed: 0, total_succeeded: 0, total_rolled_back: 0 },
      orders: { total_amount: 0, total_count: 0, average_amount: 0, last_order_amount: 0 },
    },
    loyalty: { points: 0, referred_customers: 0, campaigns: {} },
    referrals: { total: 0, campaigns: [] },
    created_at: customer.created_at,
    updated_at: customer.updated_at,
    object: 'customer',
  };
}

/** The short customer shape embedded in other objects, e.g. a tracked event. */
export function customerReference(customer: VoucherifyCustomer): JsonObject {
  return { id: customer.id, source_id: customer.source_id, ...customer.fields, metadata: customer.fields.metadata ?? {}, object: 'customer' };
}
