import { type CallHandler, type ExecutionContext, HttpStatus, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { type Observable, from, switchMap } from 'rxjs';
import { ProblemException } from '@loyalty/http';
import { parseConsistencyToken } from './consistency-token';
import { PROJECTION_POSITIONS, type ProjectionPositions } from './projection-positions';

/** How long a read waits for its consistency token; past it the answer is 503, never stale data. */
export const CONSISTENCY_WAIT_MS = Symbol('ConsistencyWaitMs');

interface TokenCarrier {
  readonly query?: Record<string, unknown>;
  readonly headers: Record<string, string | string[] | undefined>;
}

/**
 * Read-your-writes: a request carrying the consistency token of an earlier write (query parameter
 * `consistencyToken` or header `X-Consistency-Token`) is answered only once the projection has
 * applied that write, waiting up to a bound.
 */
@Injectable()
export class ReadYourWritesInterceptor implements NestInterceptor {
  constructor(
    @Inject(PROJECTION_POSITIONS) private readonly positions: ProjectionPositions,
    @Inject(CONSISTENCY_WAIT_MS) private readonly waitMs: number,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<TokenCarrier>();
    const fromQuery = request.query?.['consistencyToken'];
    const fromHeader = request.headers['x-consistency-token'];
    const token = typeof fromQuery === 'string' ? fromQuery : typeof fromHeader === 'string' ? fromHeader : undefined;
    if (token === undefined) return next.handle();
    const position = parseConsistencyToken(token);
    if (position === null) {
      throw new ProblemException({ title: 'Invalid consistency token', status: HttpStatus.BAD_REQUEST, code: 'CONSISTENCY.INVALID_TOKEN', detail: 'expected v1.<partition>.<offset>, as a write answers it' });
    }
    return from(this.positions.reached(position, this.waitMs)).pipe(
      switchMap((reached) => {
        if (!reached) {
          throw new ProblemException(
            {
              title: 'Not caught up yet',
              status: HttpStatus.SERVICE_UNAVAILABLE,
              code: 'CONSISTENCY.NOT_REACHED',
              detail: `the projection has not applied ${token} within ${this.waitMs} ms; retry`,
            },
            { 'Retry-After': '1' },
          );
        }
        return next.handle();
      }),
    );
  }
}
