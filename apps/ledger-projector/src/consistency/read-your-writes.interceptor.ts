import { type CallHandler, type ExecutionContext, HttpStatus, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { type Observable, from, switchMap } from 'rxjs';
import { ProblemException } from '@loyalty/http';
import { parseConsistencyToken } from '@loyalty/kafka';
import { PROJECTION_POSITIONS, type ProjectionPositions } from './projection-positions';

/** How long a read waits for its consistency token; past it the answer is 503, never stale data. */
export const CONSISTENCY_WAIT_MS = Symbol('ConsistencyWaitMs');

/**
 * Reads waiting for a token at once, per instance. Each wait polls Postgres on the pool the
 * projector applies with: without a bound, tokens far ahead of the log (a bug, or hostile) could
 * hold the pool and stall the projection itself. Past the bound the answer is 503 at once.
 */
const MAX_WAITING_READS = 128;

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
  private waiting = 0;

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
    if (this.waiting >= MAX_WAITING_READS) {
      throw new ProblemException(
        { title: 'Too many reads waiting', status: HttpStatus.SERVICE_UNAVAILABLE, code: 'CONSISTENCY.TOO_MANY_WAITING', detail: `${MAX_WAITING_READS} reads already wait for a position; retry` },
        { 'Retry-After': '1' },
      );
    }
    this.waiting += 1;
    const reached = this.positions.reached(position, this.waitMs).finally(() => {
      this.waiting -= 1;
    });
    return from(reached).pipe(
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
