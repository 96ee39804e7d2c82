import { type CanActivate, type ExecutionContext, HttpStatus, Inject, Injectable, type RawBodyRequest } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { type WebhookConfig } from '@loyalty/config';
import { ApiKeyGuard, type AuthenticatedRequest } from './api-key.guard';
import { ProblemException } from './problem-details';
import { type StorefrontSignatureFailure, verifyStorefrontSignature } from './storefront-signature';

export const WEBHOOK_CONFIG = Symbol('WebhookConfig');
export const AUTH_CLOCK = Symbol('AuthClock');

/** The time the replay window is measured against; injected so tests can move it. */
export interface AuthClock {
  nowSeconds(): number;
}

export const systemAuthClock: AuthClock = { nowSeconds: () => Math.floor(Date.now() / 1000) };

const failures = {
  MISSING_HEADERS: { code: 'AUTH.SIGNATURE_MISSING_HEADERS', detail: 'A signed request needs the X-Tenant-Id, X-Signature-Timestamp and X-Signature headers.' },
  MALFORMED: { code: 'AUTH.SIGNATURE_MALFORMED', detail: 'X-Signature-Timestamp must be Unix seconds and X-Signature comma-separated v1=<lower-case hex> values.' },
  STALE_TIMESTAMP: { code: 'AUTH.SIGNATURE_STALE', detail: "X-Signature-Timestamp is outside the replay window around the server's clock." },
  BAD_SIGNATURE: { code: 'AUTH.SIGNATURE_INVALID', detail: 'The signature does not match the tenant, timestamp and body.' },
} as const satisfies Record<StorefrontSignatureFailure, { code: string; detail: string }>;

const unauthorized = (reason: StorefrontSignatureFailure) =>
  new ProblemException(
    { title: 'Unauthorized', status: HttpStatus.UNAUTHORIZED, ...failures[reason] },
    { 'WWW-Authenticate': 'Signature header="X-Signature"' },
  );

function header(request: AuthenticatedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Authenticates a tenant by a storefront webhook signature (when `X-Signature` is sent) or else
 * by its API key, and sets `request.tenantId`. See `verifyStorefrontSignature` for the format.
 */
@Injectable()
export class TenantAuthGuard implements CanActivate {
  private readonly secretsByTenant = new Map<string, string[]>();
  // An unknown tenant is checked against a secret nobody knows, so it fails as a bad signature and
  // in about the same time as a known one: neither the answer nor its timing reveals which exist.
  private readonly decoySecrets: readonly string[] = [randomBytes(32).toString('hex')];
  private readonly toleranceSeconds: number;

  constructor(
    private readonly apiKeyGuard: ApiKeyGuard,
    @Inject(WEBHOOK_CONFIG) config: WebhookConfig,
    @Inject(AUTH_CLOCK) private readonly clock: AuthClock,
  ) {
    for (const { tenantId, secret } of config.secrets) {
      this.secretsByTenant.set(tenantId, [...(this.secretsByTenant.get(tenantId) ?? []), secret]);
    }
    this.toleranceSeconds = config.toleranceSeconds;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RawBodyRequest<AuthenticatedRequest>>();
    const signatureHeader = header(request, 'x-signature');
    if (signatureHeader === undefined) return this.apiKeyGuard.canActivate(context);
    const tenantId = header(request, 'x-tenant-id');
    if (tenantId === undefined || tenantId === '') throw unauthorized('MISSING_HEADERS');
    const result = verifyStorefrontSignature({
      secrets: this.secretsByTenant.get(tenantId) ?? this.decoySecrets,
      timestampHeader: header(request, 'x-signature-timestamp'),
      signatureHeader,
      // The signature covers the bytes as sent; a re-serialised parsed body would not match.
      rawBody: request.rawBody ?? Buffer.alloc(0),
      nowSeconds: this.clock.nowSeconds(),
      toleranceSeconds: this.toleranceSeconds,
    });
    if (!result.ok) throw unauthorized(result.reason);
    request.tenantId = tenantId;
    return true;
  }
}
