/** The vendors the stub server imitates; each lives under its own path prefix (`/bloomreach`, ...). */
export type StubVendor = 'bloomreach' | 'braze' | 'voucherify' | 'webhooks';

export const STUB_VENDORS: readonly StubVendor[] = ['bloomreach', 'braze', 'voucherify', 'webhooks'];

export function isStubVendor(value: unknown): value is StubVendor {
  return typeof value === 'string' && (STUB_VENDORS as readonly string[]).includes(value);
}
