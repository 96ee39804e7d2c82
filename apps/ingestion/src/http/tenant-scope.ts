import { forbiddenTenant } from '@loyalty/http';

/** The request's tenant must be the credential's: no key ever writes for another tenant. */
export function assertTenant(authenticated: string, requested: string): void {
  if (authenticated !== requested) throw forbiddenTenant();
}
