import { HttpException } from '@nestjs/common';

export interface FieldError {
  /** JSON path of the offending field, e.g. `lines[0].amountMinor`. */
  readonly field: string;
  readonly message: string;
}

/** RFC 9457 problem details, with a stable machine-readable `code`. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: readonly FieldError[];
  /** Health problems: the state of each dependency. */
  readonly checks?: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An HTTP error carrying its problem document; thrown by guards, pipes and controllers. */
export class ProblemException extends HttpException {
  constructor(
    readonly problem: Omit<ProblemDetails, 'type'> & { type?: string },
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(problem.title, problem.status);
  }
}

/** The `type` URI of a problem code: a stable, documented identifier (not necessarily resolvable). */
export function problemType(code: string): string {
  return `urn:loyalty-ledger:problem:${code.toLowerCase().replace(/[._]/g, '-')}`;
}
