import { addDays, toUtcIso } from './iso-time';

describe('iso time', () => {
  it('normalises offsets to UTC with milliseconds', () => {
    expect(toUtcIso('2026-11-22T10:00:00+01:00')).toBe('2026-11-22T09:00:00.000Z');
    expect(toUtcIso('2026-11-22T10:00:00Z')).toBe('2026-11-22T10:00:00.000Z');
  });

  it('rejects what is not a time', () => {
    expect(() => toUtcIso('yesterday')).toThrow(RangeError);
  });

  it('adds whole days across month and year ends', () => {
    expect(addDays('2026-12-25T12:00:00.000Z', 14)).toBe('2027-01-08T12:00:00.000Z');
    expect(addDays('2026-11-22T00:00:00.000Z', 0)).toBe('2026-11-22T00:00:00.000Z');
  });
});
