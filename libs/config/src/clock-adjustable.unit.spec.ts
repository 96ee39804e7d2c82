import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adjustableClock } from './clock-adjustable';
import { writeClockFile } from './clock-file';

const REAL = Date.parse('2026-11-22T10:00:05.123Z');
const DAY = 86_400_000;

describe('adjustableClock', () => {
  let dir: string;
  let file: string;
  let reports: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clock-'));
    file = join(dir, 'clock.json');
    reports = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A clock on a fake real time, so throttling is tested without sleeping. */
  const clockAt = (realNow: () => number, checkEveryMs = 0) => adjustableClock(file, { checkEveryMs, realNow, report: (m) => reports.push(m) });

  it('runs on real time when the file is missing', () => {
    expect(clockAt(() => REAL).now()).toBe('2026-11-22T10:00:05.123Z');
  });

  it('adds the offset of the file, as ISO-8601 UTC with milliseconds', () => {
    writeClockFile(file, 30 * DAY);
    expect(clockAt(() => REAL).now()).toBe('2026-12-22T10:00:05.123Z');
  });

  it('follows the file as it changes, whether renamed into place or written in place', () => {
    const clock = clockAt(() => REAL);
    expect(clock.offsetMs()).toBe(0);
    writeClockFile(file, DAY);
    expect(clock.offsetMs()).toBe(DAY);
    writeFileSync(file, JSON.stringify({ offsetMs: 30 * DAY }));
    expect(clock.offsetMs()).toBe(30 * DAY);
    unlinkSync(file);
    expect(clock.now()).toBe('2026-11-22T10:00:05.123Z');
  });

  it('looks at the file at most once per interval', () => {
    let real = REAL;
    const clock = clockAt(() => real, 200);
    expect(clock.offsetMs()).toBe(0);
    writeClockFile(file, DAY);
    real += 199;
    expect(clock.offsetMs()).toBe(0);
    real += 1;
    expect(clock.offsetMs()).toBe(DAY);
  });

  it('keeps the last good offset when the file is malformed, and reports it once', () => {
    const clock = clockAt(() => REAL);
    writeClockFile(file, DAY);
    expect(clock.offsetMs()).toBe(DAY);
    writeFileSync(file, '{"offsetMs": ');
    expect(clock.now()).toBe('2026-11-23T10:00:05.123Z');
    writeFileSync(file, '{"offsetMs": "soon"}');
    expect(clock.offsetMs()).toBe(DAY);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain(file);
    expect(reports[0]).toContain(`keeping the offset ${DAY} ms`);

    writeClockFile(file, 2 * DAY);
    expect(clock.offsetMs()).toBe(2 * DAY);
    writeFileSync(file, 'garbage');
    expect(clock.offsetMs()).toBe(2 * DAY);
    expect(reports).toHaveLength(2);
  });

  it('starts at offset 0 when the file is malformed from the start', () => {
    writeFileSync(file, 'garbage');
    expect(clockAt(() => REAL).offsetMs()).toBe(0);
    expect(reports).toHaveLength(1);
  });

  it('uses the real clock by default', () => {
    const before = Date.now();
    const now = Date.parse(adjustableClock(file).now());
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
