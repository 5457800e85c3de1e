/**
 * @module Retry math shared by activities and workflows: exponential backoff capped by
 * `maximum_interval`, `maximum_attempts`, non-retryable error types and an overall deadline.
 */
import { durMs, type Msg } from '../proto.js';

export type RetryState =
  | 'RETRY_STATE_IN_PROGRESS'
  | 'RETRY_STATE_NON_RETRYABLE_FAILURE'
  | 'RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED'
  | 'RETRY_STATE_TIMEOUT'
  | 'RETRY_STATE_RETRY_POLICY_NOT_SET';

export interface RetryDecision {
  state: RetryState;
  backoffMs: number;
}

/** Fills the server defaults Temporal applies to a partial activity retry policy. */
export function normaliseRetryPolicy(p: Msg | undefined): Msg {
  const initial = durMs(p?.initialInterval) || 1000;
  const coeff = Number(p?.backoffCoefficient) || 2;
  const max = durMs(p?.maximumInterval) || initial * 100;
  return {
    initialInterval: msToDur(initial),
    backoffCoefficient: coeff,
    maximumInterval: msToDur(max),
    maximumAttempts: Number(p?.maximumAttempts ?? 0),
    nonRetryableErrorTypes: (p?.nonRetryableErrorTypes as string[] | undefined) ?? [],
  };
}

function msToDur(ms: number): Msg {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

function failureType(f: Msg | undefined): { type: string; nonRetryable: boolean; nextRetryDelayMs: number } {
  const info = f?.applicationFailureInfo as Msg | undefined;
  return {
    type: String(info?.type ?? ''),
    nonRetryable: Boolean(info?.nonRetryable),
    nextRetryDelayMs: durMs(info?.nextRetryDelay),
  };
}

/**
 * Decides whether attempt `attempt` (1-based, just failed) gets another try. `deadline` is the
 * absolute time after which no retry may start (0 = none); timeouts are retryable like failures.
 */
export function decideRetry(policy: Msg | undefined, attempt: number, failure: Msg | undefined, now: number, deadline: number): RetryDecision {
  if (!policy) return { state: 'RETRY_STATE_RETRY_POLICY_NOT_SET', backoffMs: 0 };
  const ft = failureType(failure);
  const isTimeout = failure?.timeoutFailureInfo !== undefined;
  if (!isTimeout && (ft.nonRetryable || (policy.nonRetryableErrorTypes as string[] | undefined)?.includes(ft.type))) {
    return { state: 'RETRY_STATE_NON_RETRYABLE_FAILURE', backoffMs: 0 };
  }
  if (failure?.terminatedFailureInfo || failure?.canceledFailureInfo) return { state: 'RETRY_STATE_NON_RETRYABLE_FAILURE', backoffMs: 0 };
  const maxAttempts = Number(policy.maximumAttempts ?? 0);
  if (maxAttempts > 0 && attempt >= maxAttempts) return { state: 'RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED', backoffMs: 0 };
  const initial = durMs(policy.initialInterval) || 1000;
  const coeff = Number(policy.backoffCoefficient) || 2;
  const maxInterval = durMs(policy.maximumInterval) || initial * 100;
  let backoff = ft.nextRetryDelayMs > 0 ? ft.nextRetryDelayMs : Math.min(initial * Math.pow(coeff, attempt - 1), maxInterval);
  backoff = Math.max(0, Math.round(backoff));
  if (deadline > 0 && now + backoff >= deadline) return { state: 'RETRY_STATE_TIMEOUT', backoffMs: 0 };
  return { state: 'RETRY_STATE_IN_PROGRESS', backoffMs: backoff };
}
