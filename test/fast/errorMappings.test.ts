/**
 * One error base (common/imageAgentError.ts), two mappings that read only its traits: the Temporal failure an
 * activity raises (activities/failures.ts) and the API's answer (client/api/errorResponse.ts). Each error is
 * checked against both, and a 5xx never shows its message to the caller. Needs no stack.
 */
import { ApplicationFailure } from '@temporalio/common';
import { DatabaseError } from 'pg';
import { toActivityFailure } from '../../activities/failures';
import { errorResponse } from '../../client/api/errorResponse';
import { MissingRoleError, UnauthorizedError } from '../../client/api/auth';
import { UserErasedError } from '../../client/erasureTombstones';
import { PolicyVersionConflictError } from '../../client/tenantPolicies';
import { TenantCapReachedError } from '../../client/tenantCaps';
import { ConflictError, ForbiddenError, NotFoundError } from '../../client/generations';
import { TemporalCallFailedError } from '../../client/temporalErrors';
import { TenantKeyError } from '../../common/objectKeys';
import { InvalidRequestError } from '../../common/requestSchema';
import { DatabaseRefusedDataError, PostgresUnavailableError } from '../../providers/database';
import {
  ContentPolicyRefusal,
  InvalidModelOutputError,
  ModelRateLimitedError,
  ModelRefusalError,
  ModelRequestRejectedError,
} from '../../providers/modelErrors';
import { ObjectStorageUnreachableError } from '../../providers/objectStore';
import { SearchApiError } from '../../providers/search/searchApi';
import { ObjectStorageUnavailableError } from '../../security/tenantKeys';
import { TenantDisabledError } from '../../security/tenantStatus';

const SECRET_HOST = 'db.internal:5432';
const dataError = Object.assign(new DatabaseError('invalid byte sequence for encoding "UTF8": 0x00', 0, 'error'), { code: '22021' });

/** error → the Temporal failure (undefined: passed through and retried as it is) and the HTTP answer. */
const cases: [string, Error, { type: string; nonRetryable: boolean; delayMs?: number } | undefined, { status: number; retryAfterS?: number }][] = [
  ['invalid model output', new InvalidModelOutputError('not JSON'), { type: 'InvalidModelOutput', nonRetryable: false }, { status: 502 }],
  ['model refusal', new ModelRefusalError('refused'), { type: 'ModelRefusal', nonRetryable: true }, { status: 422 }],
  ['content policy', new ContentPolicyRefusal('violence'), { type: 'ContentPolicyRefusal', nonRetryable: true }, { status: 422 }],
  [
    'model rate limit',
    new ModelRateLimitedError('slow down', 2000),
    { type: 'RateLimited', nonRetryable: false, delayMs: 2000 },
    { status: 503, retryAfterS: 2 },
  ],
  ['model request rejected', new ModelRequestRejectedError('unknown model', 404), { type: 'ModelRequestRejected', nonRetryable: true }, { status: 502 }],
  [
    'search rate limit',
    new SearchApiError('brave', 'HTTP 429', 429, 5000),
    { type: 'RateLimited', nonRetryable: false, delayMs: 5000 },
    { status: 503, retryAfterS: 5 },
  ],
  ['search bad request', new SearchApiError('brave', 'HTTP 400', 400), { type: 'SearchRequestRejected', nonRetryable: true }, { status: 502 }],
  ['key outside the tenant', new TenantKeyError('refusing to read tenants/b/x.png'), { type: 'InvalidInput', nonRetryable: true }, { status: 403 }],
  ['data Postgres refuses', new DatabaseRefusedDataError(dataError), { type: 'InvalidInput', nonRetryable: true }, { status: 400 }],
  ['Postgres down', new PostgresUnavailableError(new Error(`connect ECONNREFUSED ${SECRET_HOST}`)), undefined, { status: 502 }],
  ['object storage down', new ObjectStorageUnreachableError(new Error(`connect ECONNREFUSED ${SECRET_HOST}`)), undefined, { status: 502 }],
  [
    'data key only in object storage',
    new ObjectStorageUnavailableError(`object storage at ${SECRET_HOST} is unreachable`),
    undefined,
    { status: 503, retryAfterS: 30 },
  ],
  ['invalid request', new InvalidRequestError('size: must look like 1024x1024'), { type: 'InvalidInput', nonRetryable: true }, { status: 400 }],
  ['forbidden', new ForbiddenError('another tenant'), { type: 'ForbiddenError', nonRetryable: true }, { status: 403 }],
  ['not found', new NotFoundError('no such run'), { type: 'NotFoundError', nonRetryable: true }, { status: 404 }],
  ['conflict', new ConflictError('already decided'), { type: 'ConflictError', nonRetryable: true }, { status: 409 }],
  ['erased user', new UserErasedError('acme', new Date('2026-12-31T00:00:00Z')), { type: 'UserErasedError', nonRetryable: true }, { status: 409 }],
  ['stale policy change', new PolicyVersionConflictError('at version 2, not 1'), { type: 'PolicyVersionConflictError', nonRetryable: true }, { status: 409 }],
  ['tenant cap', new TenantCapReachedError('3 runs open, policy allows 3'), undefined, { status: 429, retryAfterS: 30 }],
  // Retried: an admin may re-enable the tenant within the activity's window.
  ['disabled tenant', new TenantDisabledError('acme'), undefined, { status: 403 }],
  ['no token', new UnauthorizedError('a bearer token is required'), { type: 'UnauthorizedError', nonRetryable: true }, { status: 401 }],
  ['missing role', new MissingRoleError('needs review'), { type: 'MissingRoleError', nonRetryable: true }, { status: 403 }],
  ['Temporal unreachable', new TemporalCallFailedError(new Error(`14 UNAVAILABLE: ${SECRET_HOST}`), true), undefined, { status: 502 }],
];

test.each(cases)('%s: the Temporal failure and the HTTP answer both come from its traits', (_name, err, failure, http) => {
  const mapped = toActivityFailure(err, 1);
  if (failure === undefined) {
    expect(mapped).toBe(err);
  } else {
    expect(mapped).toBeInstanceOf(ApplicationFailure);
    const f = mapped as ApplicationFailure;
    expect({ type: f.type, nonRetryable: f.nonRetryable }).toEqual({ type: failure.type, nonRetryable: failure.nonRetryable });
    expect(f.nextRetryDelay).toBe(failure.delayMs);
  }
  const answer = errorResponse(err, 'req-1');
  expect({ status: answer.status, retryAfterS: answer.retryAfterS }).toEqual({ status: http.status, retryAfterS: http.retryAfterS });
  if (http.status >= 500) {
    // The caller reads which dependency failed and the request id, never the message (hosts, ports).
    expect(answer.body.error).not.toContain(SECRET_HOST);
    expect(answer.body.error).toContain('req-1');
    expect(answer.logged).toBe(true);
  } else {
    expect(answer.body.error).toBe(err.message);
  }
});

test('an invalid answer is retried until the cap, then fails typed; a wrapped image-agent error is found through its causes', () => {
  const err = new InvalidModelOutputError('not JSON');
  expect((toActivityFailure(err, 2) as ApplicationFailure).nonRetryable).toBe(false);
  const last = toActivityFailure(err, 3) as ApplicationFailure;
  expect(last.nonRetryable).toBe(true);
  expect(last.message).toContain('invalid answer 3 of 3');
  const wrapped = new Error('while planning', { cause: new ModelRefusalError('no') });
  expect((toActivityFailure(wrapped, 0) as ApplicationFailure).type).toBe('ModelRefusal');
  expect(errorResponse(wrapped, 'r').status).toBe(422);
});

test('an error that is not image-agent’s passes through to Temporal, and the API answers 502 without its message', () => {
  const err = new Error(`socket hang up at ${SECRET_HOST}`);
  expect(toActivityFailure(err, 0)).toBe(err);
  const answer = errorResponse(err, 'r');
  expect(answer.status).toBe(502);
  expect(answer.body.error).not.toContain(SECRET_HOST);
});
