import { z } from 'zod';
import { ProblemException } from './problem-details';
import { ZodValidationPipe, fieldPath } from './zod-validation.pipe';

describe('ZodValidationPipe', () => {
  const pipe = new ZodValidationPipe(z.strictObject({ lines: z.array(z.strictObject({ amountMinor: z.number().int() })) }));

  it('passes valid input through', () => {
    expect(pipe.transform({ lines: [{ amountMinor: 5 }] })).toEqual({ lines: [{ amountMinor: 5 }] });
  });

  it('answers 400 problem details naming each field', () => {
    let thrown: unknown;
    try {
      pipe.transform({ lines: [{ amountMinor: 1.5 }], extra: true });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ProblemException);
    const problem = (thrown as ProblemException).problem;
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('REQUEST.INVALID');
    expect(problem.errors?.map((e) => e.field).sort()).toEqual(['(body)', 'lines[0].amountMinor']);
  });

  it('renders paths with indexes', () => {
    expect(fieldPath(['lines', 3, 'category'])).toBe('lines[3].category');
    expect(fieldPath([])).toBe('');
  });
});
