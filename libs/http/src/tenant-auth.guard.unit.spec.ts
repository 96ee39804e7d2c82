import { type ExecutionContext } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ApiKeyGuard } from './api-key.guard';
import { ProblemException } from './problem-details';
import { signStorefrontRequest } from './storefront-signature';
import { type AuthClock, TenantAuthGuard, systemAuthClock } from './tenant-auth.guard';

type FakeRequest = { headers: Record<string, string | undefined>; rawBody?: Buffer; tenantId?: string };

const secret = 'tenant-one-secret-0123456789abcdef';
const rotated = 'tenant-one-rotated-secret-abcdef0123';
const apiKey = 'tenant-two-api-key';
const start = 1_700_000_000;
const body = Buffer.from('{"purchaseId":"p-1"}');

function setUp() {
  let now = start;
  const clock: AuthClock = { nowSeconds: () => now };
  const apiKeyGuard = new ApiKeyGuard({ apiKeys: [{ tenantId: 't2', keySha256: createHash('sha256').update(apiKey).digest('hex') }] });
  const webhookConfig = {
    secrets: [
      { tenantId: 't1', secret },
      { tenantId: 't1', secret: rotated },
    ],
    toleranceSeconds: 300,
  };
  const guard = new TenantAuthGuard(apiKeyGuard, webhookConfig, clock);
  return { guard, advance: (seconds: number) => (now += seconds) };
}

function contextFor(request: FakeRequest): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

function signedRequest(overrides: Partial<FakeRequest['headers']> = {}, rawBody: Buffer | undefined = body): FakeRequest {
  return {
    headers: {
      'x-tenant-id': 't1',
      'x-signature-timestamp': String(start),
      'x-signature': signStorefrontRequest(secret, start, rawBody ?? Buffer.alloc(0)),
      ...overrides,
    },
    rawBody,
  };
}

function problemOf(act: () => unknown): ProblemException['problem'] {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemException);
    return (error as ProblemException).problem;
  }
  throw new Error('expected a ProblemException');
}

describe('TenantAuthGuard', () => {
  it('authenticates a signed request and sets the tenant', () => {
    const { guard } = setUp();
    const request = signedRequest();
    expect(guard.canActivate(contextFor(request))).toBe(true);
    expect(request.tenantId).toBe('t1');
  });

  it('accepts any of the tenant active secrets', () => {
    const { guard } = setUp();
    const request = signedRequest({ 'x-signature': signStorefrontRequest(rotated, start, body) });
    expect(guard.canActivate(contextFor(request))).toBe(true);
    expect(request.tenantId).toBe('t1');
  });

  it('treats a missing raw body as empty', () => {
    const { guard } = setUp();
    const request = signedRequest({}, undefined);
    expect(guard.canActivate(contextFor(request))).toBe(true);
  });

  it('falls back to the API key when no signature is sent', () => {
    const { guard } = setUp();
    const request: FakeRequest = { headers: { 'x-api-key': apiKey } };
    expect(guard.canActivate(contextFor(request))).toBe(true);
    expect(request.tenantId).toBe('t2');
    expect(problemOf(() => guard.canActivate(contextFor({ headers: { 'x-api-key': 'wrong' } })))).toMatchObject({ status: 401, code: 'AUTH.INVALID_API_KEY' });
  });

  it('uses the signature, not the API key, when both are sent', () => {
    const { guard } = setUp();
    const request = signedRequest({ 'x-api-key': apiKey, 'x-signature': `v1=${'0'.repeat(64)}` });
    expect(problemOf(() => guard.canActivate(contextFor(request)))).toMatchObject({ status: 401, code: 'AUTH.SIGNATURE_INVALID' });
    expect(request.tenantId).toBeUndefined();
  });

  it.each([
    ['no tenant', { 'x-tenant-id': undefined }, 'AUTH.SIGNATURE_MISSING_HEADERS'],
    ['no timestamp', { 'x-signature-timestamp': undefined }, 'AUTH.SIGNATURE_MISSING_HEADERS'],
    ['an empty signature', { 'x-signature': '' }, 'AUTH.SIGNATURE_MISSING_HEADERS'],
    ['a malformed signature', { 'x-signature': 'sha256=abc' }, 'AUTH.SIGNATURE_MALFORMED'],
    ['a malformed timestamp', { 'x-signature-timestamp': 'now' }, 'AUTH.SIGNATURE_MALFORMED'],
    ['a wrong signature', { 'x-signature': signStorefrontRequest('some-other-secret-0123456789abcdef', start, body) }, 'AUTH.SIGNATURE_INVALID'],
    ['an unknown tenant', { 'x-tenant-id': 't9' }, 'AUTH.SIGNATURE_INVALID'],
    ['another tenant', { 'x-tenant-id': 't2' }, 'AUTH.SIGNATURE_INVALID'],
  ])('answers 401 for %s', (_, overrides, code) => {
    const { guard } = setUp();
    const request = signedRequest(overrides);
    expect(problemOf(() => guard.canActivate(contextFor(request)))).toMatchObject({ status: 401, code });
    expect(request.tenantId).toBeUndefined();
  });

  it('refuses a replay once the window has passed', () => {
    const { guard, advance } = setUp();
    advance(300);
    expect(guard.canActivate(contextFor(signedRequest()))).toBe(true);
    advance(1);
    expect(problemOf(() => guard.canActivate(contextFor(signedRequest())))).toMatchObject({ status: 401, code: 'AUTH.SIGNATURE_STALE' });
  });

  it('refuses every signature when no secrets are configured', () => {
    const guard = new TenantAuthGuard(new ApiKeyGuard({ apiKeys: [] }), { secrets: [], toleranceSeconds: 300 }, { nowSeconds: () => start });
    expect(problemOf(() => guard.canActivate(contextFor(signedRequest())))).toMatchObject({ status: 401, code: 'AUTH.SIGNATURE_INVALID' });
  });

  it('reads the system clock in whole seconds', () => {
    expect(Number.isInteger(systemAuthClock.nowSeconds())).toBe(true);
    expect(Math.abs(systemAuthClock.nowSeconds() - Date.now() / 1000)).toBeLessThan(2);
  });
});
