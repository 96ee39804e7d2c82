import { type ExecutionContext } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AdminKeyGuard } from './admin-key.guard';
import { ProblemException } from './problem-details';

type FakeRequest = { headers: Record<string, string | string[] | undefined>; adminLabel?: string };

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
const config = {
  adminKeys: [
    { keySha256: sha256('alice-admin-key'), label: 'alice (support)' },
    { keySha256: sha256('bob-admin-key'), label: 'bob (finance)' },
  ],
};

function contextFor(request: FakeRequest): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
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

describe('AdminKeyGuard', () => {
  it('accepts a configured key and records its label, not the key', () => {
    const request: FakeRequest = { headers: { 'x-admin-key': 'bob-admin-key' } };
    expect(new AdminKeyGuard(config).canActivate(contextFor(request))).toBe(true);
    expect(request.adminLabel).toBe('bob (finance)');
  });

  it.each([
    ['a missing key', {}],
    ['an empty key', { 'x-admin-key': '' }],
    ['a wrong key', { 'x-admin-key': 'mallory-admin-key' }],
    ['an oversized key', { 'x-admin-key': 'k'.repeat(513) }],
    ['a repeated header', { 'x-admin-key': ['alice-admin-key', 'bob-admin-key'] }],
    ['a tenant API key header only', { 'x-api-key': 'alice-admin-key' }],
  ])('answers 401 for %s', (_, headers) => {
    const request: FakeRequest = { headers };
    expect(problemOf(() => new AdminKeyGuard(config).canActivate(contextFor(request)))).toMatchObject({ status: 401, code: 'AUTH.INVALID_ADMIN_KEY' });
    expect(request.adminLabel).toBeUndefined();
  });

  it('accepts nothing when no admin keys are configured', () => {
    const request: FakeRequest = { headers: { 'x-admin-key': 'alice-admin-key' } };
    expect(problemOf(() => new AdminKeyGuard({ adminKeys: [] }).canActivate(contextFor(request)))).toMatchObject({ status: 401, code: 'AUTH.INVALID_ADMIN_KEY' });
  });
});
