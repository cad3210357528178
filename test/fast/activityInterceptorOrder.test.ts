/** The activity interceptors wrap in the order their names are declared, whatever order they are given in. */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { ACTIVITY_INTERCEPTOR_ORDER, orderedActivityInterceptors, type ActivityInterceptorName } from '../../workers/activityInterceptorOrder';

/** A stand-in interceptor that only says which one it is. */
const named = (name: ActivityInterceptorName): ActivityInterceptorsFactory => Object.assign(() => ({}), { interceptorName: name });
const namesOf = (list: ActivityInterceptorsFactory[]) => list.map((f) => (f as unknown as { interceptorName: string }).interceptorName);

test('the declared order, outermost first, even when the set is written in another order', () => {
  const ordered = orderedActivityInterceptors({
    typedFailures: named('typedFailures'),
    claimCheck: named('claimCheck'),
    tracing: named('tracing'),
    metrics: named('metrics'),
    heartbeat: named('heartbeat'),
    tenantScope: named('tenantScope'),
  });
  expect(namesOf(ordered)).toEqual([...ACTIVITY_INTERCEPTOR_ORDER]);
  expect(namesOf(ordered)[0]).toBe('tenantScope');
  expect(namesOf(ordered).at(-1)).toBe('typedFailures');
});

test('a worker without the claim check keeps the others in order', () => {
  const ordered = orderedActivityInterceptors({
    tenantScope: named('tenantScope'),
    heartbeat: named('heartbeat'),
    metrics: named('metrics'),
    tracing: named('tracing'),
    typedFailures: named('typedFailures'),
  });
  expect(namesOf(ordered)).toEqual(['tenantScope', 'heartbeat', 'metrics', 'tracing', 'typedFailures']);
});
