import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readClockFile, writeClockFile } from './clock-file';

describe('clock file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'clock-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a missing file as missing, not as a problem', () => {
    expect(readClockFile(join(dir, 'clock.json'))).toEqual({ kind: 'missing' });
  });

  it('writes atomically into a folder it creates, and reads back the offset', () => {
    const file = join(dir, 'stack', 'clock.json');
    writeClockFile(file, 2_592_000_000);
    writeClockFile(file, -5);
    expect(readClockFile(file)).toEqual({ kind: 'ok', offsetMs: -5 });
    expect(readdirSync(join(dir, 'stack'))).toEqual(['clock.json']);
  });

  it.each([
    ['not JSON', '{"offsetMs": 1', /is not JSON/],
    ['no offset', '{}', /offsetMs/],
    ['a fractional offset', '{"offsetMs": 1.5}', /whole number/],
    ['an offset beyond a century', '{"offsetMs": 1e13}', /offsetMs/],
    ['an offset as a string', '{"offsetMs": "1000"}', /offsetMs/],
  ])('reports %s as malformed', (_case, content, problem) => {
    const file = join(dir, 'clock.json');
    writeFileSync(file, content);
    const read = readClockFile(file);
    expect(read.kind).toBe('malformed');
    expect(read.kind === 'malformed' && read.problem).toMatch(problem);
  });

  it('refuses to write an offset it could not read back', () => {
    expect(() => writeClockFile(join(dir, 'clock.json'), 0.5)).toThrow();
  });
});
