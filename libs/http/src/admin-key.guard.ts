import { type CanActivate, type ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { type FastifyRequest } from 'fastify';
import { type AdminAuthConfig } from '@loyalty/config';
import { ProblemException } from './problem-details';

export const ADMIN_AUTH_CONFIG = Symbol('AdminAuthConfig');

/** The request's authenticated operator, set by AdminKeyGuard: the key's label, never the key. */
export type AdminAuthenticatedRequest = FastifyRequest & { adminLabel?: string };

const unauthorized = () =>
  new ProblemException(
    { title: 'Unauthorized', status: HttpStatus.UNAUTHORIZED, code: 'AUTH.INVALID_ADMIN_KEY', detail: 'Send a valid admin key in the X-Admin-Key header.' },
    { 'WWW-Authenticate': 'ApiKey header="X-Admin-Key"' },
  );

/**
 * Authenticates an operator key (header `X-Admin-Key`) for manual adjustments. Keys are stored as
 * SHA-256 hashes only and compared in constant time; with no keys configured nothing is accepted.
 */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  private readonly keys: readonly { hash: Buffer; label: string }[];

  constructor(@Inject(ADMIN_AUTH_CONFIG) config: AdminAuthConfig) {
    this.keys = config.adminKeys.map((k) => ({ hash: Buffer.from(k.keySha256, 'hex'), label: k.label }));
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AdminAuthenticatedRequest>();
    const key = request.headers['x-admin-key'];
    if (typeof key !== 'string' || key.length === 0 || key.length > 512) throw unauthorized();
    const hash = createHash('sha256').update(key).digest();
    const match = this.keys.find((k) => timingSafeEqual(k.hash, hash));
    if (match === undefined) throw unauthorized();
    request.adminLabel = match.label;
    return true;
  }
}
