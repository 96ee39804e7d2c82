import { type ServerResponse } from 'node:http';
import { type StubResponse } from './stub-http';

/** Writes an answer; a body is sent as JSON with its length, so keep-alive clients can reuse the socket. */
export function send(response: ServerResponse, answer: StubResponse): void {
  if (response.destroyed) return;
  if (answer.body === undefined) {
    response.writeHead(answer.status, answer.headers);
    response.end();
    return;
  }
  const payload = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...answer.headers,
  });
  response.end(payload);
}

/** Answers a request whose handling threw: a client that hung up is no news; anything else is a stub bug worth a line. */
export function failed(response: ServerResponse, error: unknown): void {
  if (response.destroyed || (error as { code?: unknown } | null)?.code === 'ECONNRESET') return;
  process.stderr.write(`vendor-stubs: request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  if (response.headersSent) response.destroy();
  else send(response, { status: 500, body: { error: 'vendor stub failure' } });
}
