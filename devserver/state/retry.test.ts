/** Retry math shared by activities and workflows. */
import { describe, expect, it } from 'vitest';
import { decideRetry, normaliseRetryPolicy } from './retry.js';

const policy = normaliseRetryPolicy({ initialInterval: { seconds: 1 }, backoffCoefficient: 2, maximumInterval: { seconds: 5 }, maximumAttempts: 5, nonRetryableErrorTypes: ['Fatal'] });
const appFailure = (type = 'Oops', nonRetryable = false) => ({ message: 'x', applicationFailureInfo: { type, nonRetryable } });

describe('retry decisions', () => {
  it('backs off exponentially and caps at the maximum interval', () => {
    expect([1, 2, 3, 4].map((a) => decideRetry(policy, a, appFailure(), 0, 0).backoffMs)).toEqual([1000, 2000, 4000, 5000]);
  });

  it('stops at maximum attempts, on non-retryable failures and past the deadline', () => {
    expect(decideRetry(policy, 5, appFailure(), 0, 0).state).toBe('RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED');
    expect(decideRetry(policy, 1, appFailure('Fatal'), 0, 0).state).toBe('RETRY_STATE_NON_RETRYABLE_FAILURE');
    expect(decideRetry(policy, 1, appFailure('Oops', true), 0, 0).state).toBe('RETRY_STATE_NON_RETRYABLE_FAILURE');
    expect(decideRetry(policy, 1, appFailure(), 10_000, 10_500).state).toBe('RETRY_STATE_TIMEOUT');
  });

  it('honours next_retry_delay and retries timeouts whatever their type', () => {
    const f = { message: 'x', applicationFailureInfo: { type: 'Oops', nextRetryDelay: { seconds: 7 } } };
    expect(decideRetry(policy, 1, f, 0, 0).backoffMs).toBe(7000);
    expect(decideRetry(policy, 1, { message: 't', timeoutFailureInfo: { timeoutType: 'TIMEOUT_TYPE_START_TO_CLOSE' } }, 0, 0).state).toBe('RETRY_STATE_IN_PROGRESS');
    expect(decideRetry(undefined, 1, appFailure(), 0, 0).state).toBe('RETRY_STATE_RETRY_POLICY_NOT_SET');
  });

  it('fills server defaults for a partial policy', () => {
    expect(normaliseRetryPolicy(undefined)).toMatchObject({ initialInterval: { seconds: 1 }, backoffCoefficient: 2, maximumInterval: { seconds: 100 }, maximumAttempts: 0 });
  });
});
