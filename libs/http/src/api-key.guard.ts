import { type CanActivate, type ExecutionContext, HttpStatus, Inject, Injectable, createParamDecorator } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { type FastifyRequest } from 'fastify';
import { type AuthConfig } from '@loyalty/config';
import { ProblemException } from './problem-details';

export const AUTH_CONFIG = Symbol('AuthConfig');

/** The request's authenticated tenant, set by ApiKeyGuard. */
export type AuthenticatedRequest = FastifyRequest & { tenantId?: string };

const unauthorized = () =>
  new ProblemException(
    { title: 'Unauthorized', status: HttpStatus.UNAUTHORIZED, code: 'AUTH.INVALID_API_KEY', detail: 'Send a valid tenant API key in the X-Api-Key header.' },
    { 'WWW-Authenticate': 'ApiKey header="X-Api-Key"' },
  );

/**
 * Authenticates a tenant API key (header `X-Api-Key`). Keys are stored as SHA-256 hashes only;
 * the comparison is constant-time. The key itself is never logged (see the logger's redaction).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: readonly { hash: Buffer; tenantId: string }[];

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig) {
    this.keys = config.apiKeys.map((k) => ({ hash: Buffer.from(k.keySha256, 'hex'), tenantId: k.tenantId }));
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = request.headers['x-api-key'];
    if (typeof key !== 'string' || key.length === 0 || key.length > 512) throw unauthorized();
    const hash = createHash('sha256').update(key).digest();
    const match = this.keys.find((k) => timingSafeEqual(k.hash, hash));
    if (match === undefined) throw unauthorized();
    request.tenantId = match.tenantId;
    return true;
  }
}

/** Injects the authenticated tenant id into a controller method. */
export const TenantId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const tenantId = context.switchToHttp().getRequest<AuthenticatedRequest>().tenantId;
  if (tenantId === undefined) throw unauthorized();
  return tenantId;
});

/** The problem for a body naming a tenant other than the key's: no tenant reaches another's data. */
export function forbiddenTenant(): ProblemException {
  return new ProblemException({
    title: 'Forbidden',
    status: HttpStatus.FORBIDDEN,
    code: 'AUTH.TENANT_MISMATCH',
    detail: 'The API key does not belong to the tenant named in the request.',
  });
}
