import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACTED_PATHS } from './logger.module';

describe('log redaction', () => {
  it('no credential header reaches a log line', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    const secrets = { authorization: 'Bearer s3cret-1', 'x-api-key': 's3cret-2', 'x-admin-key': 's3cret-3', 'x-signature': 'v1=s3cret-4', cookie: 'sid=s3cret-5' };
    logger.info({ req: { headers: { ...secrets, 'content-type': 'application/json' } } }, 'request completed');
    const written = lines.join('');
    for (const value of Object.values(secrets)) expect(written).not.toContain(value);
    expect(written).toContain('application/json');
  });
});
