import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from './clock';
import { writeClockFile } from './clock-file';
import { clockFromEnv } from './clock-env';
import { ConfigError } from './config-error';

const DAY = 86_400_000;

describe('clockFromEnv', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'clock-env-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is the system clock without LOYALTY_CLOCK_FILE, in production too', () => {
    expect(clockFromEnv({})).toBe(systemClock);
    expect(clockFromEnv({ NODE_ENV: 'production' })).toBe(systemClock);
  });

  it('is the adjustable clock on the named file outside production', () => {
    const file = join(dir, 'clock.json');
    writeClockFile(file, 30 * DAY);
    for (const NODE_ENV of [undefined, 'development', 'test']) {
      const shifted = Date.parse(clockFromEnv({ NODE_ENV, LOYALTY_CLOCK_FILE: file }).now()) - Date.now();
      expect(Math.abs(shifted - 30 * DAY)).toBeLessThan(5_000);
    }
  });

  it('refuses an adjustable clock in production, naming the variable', () => {
    const load = () => clockFromEnv({ NODE_ENV: 'production', LOYALTY_CLOCK_FILE: join(dir, 'clock.json') });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/LOYALTY_CLOCK_FILE: must not be set when NODE_ENV is production/);
  });

  it('refuses an empty LOYALTY_CLOCK_FILE rather than guessing', () => {
    expect(() => clockFromEnv({ LOYALTY_CLOCK_FILE: '' })).toThrow(/LOYALTY_CLOCK_FILE: must not be empty/);
  });
});
