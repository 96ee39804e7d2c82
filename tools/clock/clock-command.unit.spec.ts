import { decideClock, formatOffset, parseClockArgs } from './clock-command';

const DAY = 86_400_000;
const REAL = Date.parse('2026-11-22T10:00:00.000Z');

describe('parseClockArgs', () => {
  it('shows by default and on request', () => {
    expect(parseClockArgs([])).toEqual({ command: { kind: 'show' }, allowBackwards: false });
    expect(parseClockArgs(['show'])).toEqual({ command: { kind: 'show' }, allowBackwards: false });
  });

  it.each([
    ['30d', 30 * DAY],
    ['12h', 12 * 3_600_000],
    ['+90m', 90 * 60_000],
    ['45s', 45_000],
    ['-1d', -DAY],
  ])('reads advance %s', (duration, byMs) => {
    expect(parseClockArgs(['advance', duration])).toEqual({ command: { kind: 'advance', byMs }, allowBackwards: false });
  });

  it('reads set with a zoned ISO time, and the backwards flag anywhere', () => {
    expect(parseClockArgs(['--allow-backwards', 'set', '2027-01-01T01:00:00+01:00'])).toEqual({
      command: { kind: 'set', atMs: Date.parse('2027-01-01T00:00:00Z') },
      allowBackwards: true,
    });
  });

  it.each([
    [['advance']],
    [['advance', '30']],
    [['advance', '1w']],
    [['advance', '1.5d']],
    [['set', '2027-01-01']],
    [['set', '2027-01-01T00:00:00']],
    [['reset', 'now']],
    [['rewind']],
    [['show', '--force']],
  ])('refuses %j', (args) => {
    expect(parseClockArgs(args)).toHaveProperty('error');
  });
});

describe('decideClock', () => {
  it('advances cumulatively', () => {
    expect(decideClock({ kind: 'advance', byMs: DAY }, 30 * DAY, REAL, false)).toEqual({ kind: 'write', offsetMs: 31 * DAY });
  });

  it('sets the offset that makes now the given time', () => {
    expect(decideClock({ kind: 'set', atMs: REAL + 2 * DAY }, DAY, REAL, false)).toEqual({ kind: 'write', offsetMs: 2 * DAY });
  });

  it('refuses to move back unless allowed, whichever command would do it', () => {
    for (const command of [{ kind: 'advance', byMs: -DAY }, { kind: 'set', atMs: REAL }, { kind: 'reset' }] as const) {
      const refused = decideClock(command, 30 * DAY, REAL, false);
      expect(refused.kind).toBe('refused');
      expect(refused.kind === 'refused' && refused.reason).toMatch(/--allow-backwards/);
      expect(decideClock(command, 30 * DAY, REAL, true).kind).toBe('write');
    }
    expect(decideClock({ kind: 'reset' }, 30 * DAY, REAL, true)).toEqual({ kind: 'write', offsetMs: 0 });
  });

  it('resets and advances by nothing without complaint when nothing moves back', () => {
    expect(decideClock({ kind: 'reset' }, 0, REAL, false)).toEqual({ kind: 'write', offsetMs: 0 });
    expect(decideClock({ kind: 'reset' }, -DAY, REAL, false)).toEqual({ kind: 'write', offsetMs: 0 });
  });

  it('overwrites a malformed file only when told it may move back', () => {
    expect(decideClock({ kind: 'advance', byMs: DAY }, 'malformed', REAL, true).kind).toBe('refused');
    expect(decideClock({ kind: 'reset' }, 'malformed', REAL, false).kind).toBe('refused');
    expect(decideClock({ kind: 'reset' }, 'malformed', REAL, true)).toEqual({ kind: 'write', offsetMs: 0 });
  });

  it('refuses offsets the clock file could not hold', () => {
    expect(decideClock({ kind: 'advance', byMs: 99_999 * DAY }, 0, REAL, false).kind).toBe('refused');
  });
});

describe('formatOffset', () => {
  it.each([
    [0, '0'],
    [30 * DAY, '+30d'],
    [-(DAY + 2 * 3_600_000), '-1d 2h'],
    [60_000 + 500, '+1m 0.5s'],
    [DAY + 3_600_000 + 60_000 + 1_001, '+1d 1h 1m 1.001s'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatOffset(ms)).toBe(text);
  });
});
