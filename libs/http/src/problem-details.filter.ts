import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, ProblemException, problemType } from './problem-details';

/** Infrastructure errors say whether a retry can help (see @loyalty/kafka InfrastructureError). */
interface RetriableError {
  readonly code: string;
  readonly retriable: boolean;
}

const isRetriable = (error: unknown): error is RetriableError =>
  typeof error === 'object' && error !== null && (error as RetriableError).retriable === true && typeof (error as RetriableError).code === 'string';

export const RETRY_AFTER_SECONDS = 5;

/** Stable codes for what the HTTP layer rejects before a handler runs (Fastify's body parsing). */
function httpCode(status: number, message: string): string {
  if (status === 413) return 'REQUEST.TOO_LARGE';
  if (status === 415) return 'REQUEST.UNSUPPORTED_MEDIA_TYPE';
  if (status === 400 && /JSON/i.test(message)) return 'REQUEST.MALFORMED_JSON';
  if (status === 404) return 'HTTP.NOT_FOUND';
  return `HTTP.${status}`;
}

/** Every error leaves as RFC 9457 problem+json; this is the one place that maps errors to HTTP. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { problem, headers } = this.toProblem(error);
    void reply
      .status(problem.status)
      .headers(headers)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify({ ...problem, instance: request.url }));
  }

  private toProblem(error: unknown): { problem: ProblemDetails; headers: Readonly<Record<string, string>> } {
    if (error instanceof ProblemException) {
      return { problem: { type: problemType(error.problem.code), ...error.problem }, headers: error.headers };
    }
    if (isRetriable(error)) {
      this.logger.warn(`unavailable: ${error.code}: ${(error as unknown as Error).message}`);
      return {
        problem: {
          type: problemType(error.code),
          title: 'Service temporarily unavailable',
          status: HttpStatus.SERVICE_UNAVAILABLE,
          code: error.code,
          detail: 'A dependency is unavailable; nothing was recorded. Retry the same request later.',
        },
        headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      // Terminus reports each dependency's state; keep it as the problem's `checks` member.
      if (typeof body === 'object' && body !== null && 'details' in body) {
        const code = 'HEALTH.DEGRADED';
        return { problem: { type: problemType(code), title: 'Not healthy', status, code, checks: (body as { details: unknown }).details }, headers: {} };
      }
      const code = httpCode(status, error.message);
      return { problem: { type: problemType(code), title: error.message, status, code }, headers: {} };
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return {
      problem: { type: problemType('INTERNAL'), title: 'Internal error', status: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL' },
      headers: {},
    };
  }
}
