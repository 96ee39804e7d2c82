import { request as httpRequest } from 'node:http';
import pg from 'pg';
import { signStorefrontRequest } from '@loyalty/http';
import { type TestSystem, startTestSystem, uniqueTestId } from '@loyalty/testing';

/** Hostile and broken requests: each gets a clear 4xx problem, and nothing is written. */
describe('bad input', () => {
  let system: TestSystem;
  const memberId = uniqueTestId('m');

  beforeAll(async () => {
    system = await startTestSystem();
  });

  afterAll(async () => {
    await system?.stop();
  });

  const url = () => `${system.ingestion[0]!.baseUrl}/v1/purchases`;
  const valid = () => ({
    tenantId: 'acme',
    transactionId: uniqueTestId('tx'),
    memberId,
    occurredAt: '2026-11-22T10:00:00Z',
    channel: 'web',
    currency: 'EUR',
    lines: [{ lineId: '1', sku: 'TEE', category: 'apparel', quantity: 1, unitPriceMinor: 5_000 }],
  });
  const send = (body: string) =>
    fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': system.credentials.apiKeys['acme']! }, body });

  async function expectProblem(response: Response, status: number, code: string): Promise<void> {
    expect({ status: response.status, type: response.headers.get('content-type') }).toEqual({ status, type: expect.stringContaining('application/problem+json') });
    expect(((await response.json()) as { code: string }).code).toBe(code);
  }

  it('malformed JSON', async () => {
    await expectProblem(await send('{"tenantId": "acme",'), 400, 'REQUEST.MALFORMED_JSON');
  });

  it('wrong types, unknown fields, negative money, hostile ids', async () => {
    const cases: unknown[] = [
      { ...valid(), lines: [{ lineId: '1', sku: 'T', category: 'apparel', quantity: '1', unitPriceMinor: 5_000 }] },
      { ...valid(), lines: [{ lineId: '1', sku: 'T', category: 'apparel', quantity: 1, unitPriceMinor: -1 }] },
      { ...valid(), isAdmin: true },
      { ...valid(), memberId: 'm|1' },
      { ...valid(), memberId: "m'; drop table member_balances; --" },
      { ...valid(), transactionId: 'x'.repeat(129) },
      [],
      'a string',
    ];
    for (const body of cases) await expectProblem(await send(JSON.stringify(body)), 400, 'REQUEST.INVALID');
  });

  it('an oversized body is refused before it is read', async () => {
    const huge = JSON.stringify({ ...valid(), padding: 'x'.repeat(5 * 1024 * 1024) });
    const answer = await postUnread(url(), { 'content-type': 'application/json', 'x-api-key': system.credentials.apiKeys['acme']! }, huge);
    expect({ status: answer.status, type: answer.type }).toEqual({ status: 413, type: expect.stringContaining('application/problem+json') });
    expect((JSON.parse(answer.body) as { code: string }).code).toBe('REQUEST.TOO_LARGE');
  });

  it('an unknown tenant: in the body (403), or as the signer (401)', async () => {
    await expectProblem(await send(JSON.stringify({ ...valid(), tenantId: 'umbrella' })), 403, 'AUTH.TENANT_MISMATCH');
    const raw = JSON.stringify({ ...valid(), tenantId: 'umbrella' });
    const now = Math.floor(Date.now() / 1000);
    const signed = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant-id': 'umbrella', 'x-signature-timestamp': String(now), 'x-signature': signStorefrontRequest('whsec_guess-guess-guess-guess-guess-guess', now, Buffer.from(raw)) },
      body: raw,
    });
    await expectProblem(signed, 401, 'AUTH.SIGNATURE_INVALID');
  });

  it('a bad signature, a tampered body and a replayed (stale) signature', async () => {
    const secret = system.credentials.webhookSecrets['acme']!;
    const raw = JSON.stringify(valid());
    const now = Math.floor(Date.now() / 1000);
    const post = (body: string, timestamp: number, signature: string) =>
      fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json', 'x-tenant-id': 'acme', 'x-signature-timestamp': String(timestamp), 'x-signature': signature }, body });

    await expectProblem(await post(raw, now, signStorefrontRequest('whsec_not-the-secret-not-the-secret-xx', now, Buffer.from(raw))), 401, 'AUTH.SIGNATURE_INVALID');
    await expectProblem(await post(raw.replace('5000', '9000'), now, signStorefrontRequest(secret, now, Buffer.from(raw))), 401, 'AUTH.SIGNATURE_INVALID');
    // A request captured ten minutes ago and sent again: its signature is valid but stale.
    const then = now - 600;
    await expectProblem(await post(raw, then, signStorefrontRequest(secret, then, Buffer.from(raw))), 401, 'AUTH.SIGNATURE_STALE');
  });

  it('a purchase that cannot be decided (dated before any program version) is refused alone, not with its batch', async () => {
    const other = uniqueTestId('m');
    const batch = await fetch(`${system.ingestion[0]!.baseUrl}/v1/purchases/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': system.credentials.apiKeys['acme']! },
      body: JSON.stringify({ purchases: [{ ...valid(), memberId: other }, { ...valid(), memberId: other, occurredAt: '1999-12-31T23:00:00Z' }] }),
    });
    const { results } = (await batch.json()) as { results: { status: number; body: { code?: string } }[] };
    expect(results.map((r) => r.status)).toEqual([202, 422]);
    expect(results[1]!.body.code).toBe('REQUEST.NOT_DECIDABLE');
  });

  it('nothing of the above was written: no command, no member, no event', async () => {
    const db = system.database;
    const client = new pg.Client({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
    await client.connect();
    try {
      const commands = await client.query('select count(*)::int as n from ingestion_commands where member_id = $1', [memberId]);
      const members = await client.query('select count(*)::int as n from ingestion_members where member_id = $1', [memberId]);
      expect([commands.rows[0].n, members.rows[0].n]).toEqual([0, 0]);
    } finally {
      await client.end();
    }
    const balance = await fetch(`${system.projector.baseUrl}/v1/members/${memberId}/balance`, { headers: { 'x-api-key': system.credentials.apiKeys['acme']! } });
    expect(balance.status).toBe(404);
  });
});

/**
 * POSTs a body the server is expected to refuse before reading it. The server answers and closes
 * while the body is still being written, so the write may fail (EPIPE, ECONNRESET) around the
 * answer: fetch then reports only the failure. This keeps the answer when it came.
 */
function postUnread(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: text }));
      res.on('error', reject);
    });
    // A failed write before the answer: wait a moment for the answer already on its way.
    req.on('error', (error) => setTimeout(() => (answered ? undefined : reject(error)), 1_000));
    req.end(body);
  });
}
