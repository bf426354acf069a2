import { describe, expect, it } from 'vitest';
import { awsFailure } from '../../../src/lib/aws/errors.js';

const sdkError = (name: string, status?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} message`), {
    name,
    ...(status ? { $metadata: { httpStatusCode: status } } : {}),
    $fault: 'client',
    ...extra,
  });

describe('awsFailure', () => {
  it('classifies AWS answers by code, and HEAD answers (no body) by status', () => {
    expect(awsFailure(sdkError('AccessDenied', 403)).kind).toBe('access-denied');
    expect(awsFailure(sdkError('AccessDeniedException', 400)).kind).toBe('access-denied');
    expect(awsFailure(sdkError('MethodNotAllowed', 405)).kind).toBe('access-denied');
    expect(awsFailure(sdkError('NoSuchEntityException', 404)).kind).toBe('not-found');
    expect(awsFailure(sdkError('NotFound', 404)).kind).toBe('not-found');
    expect(awsFailure(sdkError('InvalidClientTokenId', 403)).kind).toBe('credentials');
    expect(awsFailure(sdkError('PermanentRedirect', 301)).kind).toBe('wrong-region');
    const head = awsFailure(
      sdkError('Unknown', 403, { $response: { statusCode: 403, headers: { 'x-amz-bucket-region': 'us-west-2' } } }),
    );
    expect(head).toMatchObject({ kind: 'access-denied', code: '403', bucketRegion: 'us-west-2' });
  });

  it('tells no answer at all (network, timeout) from an error answer', () => {
    expect(
      awsFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })).kind,
    ).toBe('network');
    expect(awsFailure(Object.assign(new Error('timed out'), { name: 'TimeoutError' })).kind).toBe('timeout');
    expect(
      awsFailure(
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      ).kind,
    ).toBe('credentials');
    expect(awsFailure(new TypeError('x is undefined')).kind).toBe('other');
  });
});
