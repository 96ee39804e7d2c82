import { HttpStatus, type PipeTransform } from '@nestjs/common';
import { type z } from 'zod';
import { type FieldError, ProblemException } from './problem-details';

/** Renders a zod issue path as `lines[0].amountMinor`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc === '' ? String(key) : `${acc}.${String(key)}`), '');
}

/**
 * Validates a request part against a zod schema; a failure is a 400 problem naming every field.
 *
 * @example
 * create(@Body(new ZodValidationPipe(purchaseRequestSchema)) body: PurchaseRequest) {}
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const errors: FieldError[] = result.error.issues.map((issue) => ({
      field: fieldPath(issue.path) || '(body)',
      message: issue.message,
    }));
    throw new ProblemException({
      title: 'Invalid request',
      status: HttpStatus.BAD_REQUEST,
      code: 'REQUEST.INVALID',
      detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      errors,
    });
  }
}
