/**
 * @module Workflow-level operations: start (idempotency, reuse and conflict policies), signal,
 * cancel request, terminate, close (with retry, continue-as-new and parent notification) and
 * run / execution timeouts.
 */
import { randomUUID } from 'node:crypto';
import { durMs, type Msg } from '../proto.js';
import { ServiceError, invalid } from '../errors.js';
import type { Engine, Run } from './engine.js';
import { addExternal } from './history.js';
import { createRun, startedOf, type NewRun } from './run-factory.js';
import { decideRetry } from './retry.js';
import { notifyParent, applyParentClosePolicy } from './children.js';
import { failPendingUpdates } from './updates.js';
import { runKey, type ExecutionStatus, type ParentRef } from './types.js';
import { decodeIndexed } from './visibility-rows.js';

export interface StartResult {
  runId: string;
  started: boolean;
  run: Run;
}

export function newRunFromRequest(ns: string, req: Msg, parent: ParentRef | null = null): NewRun {
  if (!req.workflowId) throw invalid('workflow id is not set');
  if (String(req.workflowId).length > 1000) throw invalid('workflow id exceeds 1000 characters');
  if (!req.workflowType?.name) throw invalid('workflow type is not set');
  if (!req.taskQueue?.name) throw invalid('task queue is not set');
  return {
    namespace: ns, workflowId: String(req.workflowId), workflowType: String(req.workflowType.name), taskQueue: String(req.taskQueue.name),
    input: req.input, header: req.header, memo: req.memo, searchAttributes: req.searchAttributes, retryPolicy: req.retryPolicy,
    runTimeoutMs: durMs(req.workflowRunTimeout), execTimeoutMs: durMs(req.workflowExecutionTimeout), expirationTime: 0,
    wftTimeoutMs: durMs(req.workflowTaskTimeout), identity: String(req.identity ?? ''), requestId: String(req.requestId ?? ''),
    attempt: 1, backoffMs: durMs(req.workflowStartDelay), parent, cronSchedule: req.cronSchedule || undefined,
    priority: req.priority, userMetadata: req.userMetadata,
  };
}

function alreadyStarted(existing: Run): ServiceError {
  return new ServiceError('ALREADY_EXISTS', `workflow execution \`${existing.s.workflowId}\` is already running`, {
    typeName: 'temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure',
    value: { startRequestId: existing.s.startRequestId, runId: existing.s.runId },
  });
}

/** Applies the id policies; returns the run to reuse, or undefined when a new run may start. */
function checkPolicies(eng: Engine, p: NewRun, req: Msg, mode: 'start' | 'signalWithStart'): Run | undefined {
  const existing = eng.current.get(`${p.namespace}/${p.workflowId}`);
  const run = existing ? eng.getRunByKey(existing) : undefined;
  if (!run) return undefined;
  const conflict = String(req.workflowIdConflictPolicy ?? 'WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED');
  const reuse = String(req.workflowIdReusePolicy ?? 'WORKFLOW_ID_REUSE_POLICY_UNSPECIFIED');
  if (run.s.status === 'Running') {
    if (conflict === 'WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING') return run;
    if (conflict === 'WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING' || reuse === 'WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING') {
      terminate(eng, run, 'terminated by a start with TERMINATE_EXISTING', undefined, p.identity);
      return undefined;
    }
    if (mode === 'signalWithStart' && conflict !== 'WORKFLOW_ID_CONFLICT_POLICY_FAIL') return run;
    throw alreadyStarted(run);
  }
  if (reuse === 'WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE') throw alreadyStarted(run);
  if (reuse === 'WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY' && (run.s.status === 'Completed' || run.s.status === 'ContinuedAsNew')) {
    throw alreadyStarted(run);
  }
  return undefined;
}

/** StartWorkflowExecution and SignalWithStart (with `signal` set). Runs inside a unit of work. */
export function startWorkflow(eng: Engine, p: NewRun, req: Msg, signal?: Msg): StartResult {
  if (p.requestId) {
    const prior = eng.getRunByKey(eng.startRequests.get(`${p.namespace}/${p.requestId}`) ?? '');
    if (prior && prior.s.workflowId === p.workflowId) return { runId: prior.s.runId, started: true, run: prior };
  }
  if (p.searchAttributes?.indexedFields) eng.namespaces.get(p.namespace).registry.validateUpsert(decodeIndexed(p.searchAttributes));
  const existing = checkPolicies(eng, p, req, signal ? 'signalWithStart' : 'start');
  if (existing) {
    if (signal) signalRun(eng, existing, signal);
    return { runId: existing.s.runId, started: false, run: existing };
  }
  if (signal) p.initialEvents = [{ type: 'WorkflowExecutionSignaled', attrs: signalAttrs(signal) }];
  const run = createRun(eng, p);
  return { runId: run.s.runId, started: true, run };
}

function signalAttrs(req: Msg): Msg {
  return { signalName: req.signalName, input: req.signalInput ?? req.input, identity: req.identity ?? '', header: req.header };
}

/** Records a request id on a run; false when it was already seen (a client retry). */
function firstTime(run: Run, requestId: unknown): boolean {
  if (!requestId) return true;
  const id = String(requestId);
  if (run.s.requestIds.includes(id)) return false;
  run.s.requestIds.push(id);
  if (run.s.requestIds.length > 500) run.s.requestIds.shift();
  return true;
}

export function signalRun(eng: Engine, run: Run, req: Msg): void {
  eng.touch(run);
  if (!firstTime(run, req.requestId)) return;
  addExternal(eng, run, [{ type: 'WorkflowExecutionSignaled', attrs: signalAttrs(req) }]);
}

export function requestCancel(eng: Engine, run: Run, req: Msg): void {
  eng.touch(run);
  if (!firstTime(run, req.requestId) || run.s.cancelRequested) return;
  run.s.cancelRequested = true;
  addExternal(eng, run, [{ type: 'WorkflowExecutionCancelRequested', attrs: { cause: req.reason ?? '', identity: req.identity ?? '', externalInitiatedEventId: req.externalInitiatedEventId, externalWorkflowExecution: req.externalWorkflowExecution } }]);
}

/** Closes a started workflow task the worker will never complete (terminate, timeout). */
function forceEndWft(eng: Engine, run: Run): void {
  const s = run.s;
  if (s.wft.state === 'started') {
    eng.append(run, 'WorkflowTaskFailed', { scheduledEventId: s.wft.scheduledId, startedEventId: s.wft.startedId, cause: 'WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND', identity: 'server' });
  }
  s.buffered = [];
}

export function terminate(eng: Engine, run: Run, reason: string, details: Msg | undefined, identity: string): void {
  eng.touch(run);
  forceEndWft(eng, run);
  closeRun(eng, run, 'Terminated', 'WorkflowExecutionTerminated', { reason, details, identity });
}

export function closeRun(eng: Engine, run: Run, status: ExecutionStatus, type: string, attrs: Msg): void {
  const s = run.s;
  eng.touch(run);
  eng.append(run, type, attrs);
  s.status = status;
  s.closeTime = eng.now();
  s.activities = {};
  s.timers = {};
  s.buffered = [];
  s.sticky = null;
  s.nextRunId = String(attrs.newExecutionRunId ?? '');
  s.wft.state = 'none';
  failPendingUpdates(eng, run);
  const chainContinues = status === 'ContinuedAsNew' || s.nextRunId !== '';
  if (s.parent && !chainContinues) eng.later(() => notifyParent(eng, run, status, attrs));
  if (Object.keys(s.children).length > 0) eng.later(() => applyParentClosePolicy(eng, run));
}

/** Follow-up run of a retry or continue-as-new: inherits identity, expiration and parent. */
function successor(run: Run, overrides: Partial<NewRun>): NewRun {
  const st = startedOf(run);
  const s = run.s;
  return {
    namespace: s.namespace, workflowId: s.workflowId, workflowType: s.workflowType, taskQueue: s.taskQueue,
    input: st.input, header: st.header, memo: s.memo, searchAttributes: s.searchAttributes, retryPolicy: st.retryPolicy,
    runTimeoutMs: durMs(st.workflowRunTimeout), execTimeoutMs: durMs(st.workflowExecutionTimeout), expirationTime: s.execDeadline,
    wftTimeoutMs: s.wft.timeoutMs, identity: String(st.identity ?? ''), requestId: '', firstRunId: s.firstRunId,
    continuedRunId: s.runId, attempt: 1, backoffMs: 0, parent: s.parent, rootExecution: st.rootWorkflowExecution, ...overrides,
  };
}

/** FailWorkflowExecution: retried as a new run when the workflow's retry policy allows. */
export function failWorkflow(eng: Engine, run: Run, failure: Msg | undefined, wftc: number): void {
  closeWithRetry(eng, run, failure ?? { message: 'workflow failed' }, 'Failed', 'WorkflowExecutionFailed', { failure, workflowTaskCompletedEventId: wftc });
}

function closeWithRetry(eng: Engine, run: Run, failure: Msg, status: ExecutionStatus, type: string, attrs: Msg): void {
  const st = startedOf(run);
  const d = st.retryPolicy ? decideRetry(st.retryPolicy, run.s.attempt, failure, eng.now(), run.s.execDeadline) : { state: 'RETRY_STATE_RETRY_POLICY_NOT_SET', backoffMs: 0 };
  if (d.state !== 'RETRY_STATE_IN_PROGRESS') {
    closeRun(eng, run, status, type, { ...attrs, retryState: d.state });
    return;
  }
  const newRunId = randomUUID();
  closeRun(eng, run, status, type, { ...attrs, retryState: d.state, newExecutionRunId: newRunId });
  createRun(eng, successor(run, { runId: newRunId, attempt: run.s.attempt + 1, backoffMs: d.backoffMs, initiator: 'CONTINUE_AS_NEW_INITIATOR_RETRY', continuedFailure: failure }));
}

export function continueAsNew(eng: Engine, run: Run, a: Msg, wftc: number): void {
  const newRunId = randomUUID();
  const s = run.s;
  const taskQueue = (a.taskQueue?.name as string | undefined) || s.taskQueue;
  const workflowType = (a.workflowType?.name as string | undefined) || s.workflowType;
  const backoffMs = durMs(a.backoffStartInterval);
  closeRun(eng, run, 'ContinuedAsNew', 'WorkflowExecutionContinuedAsNew', {
    newExecutionRunId: newRunId, workflowType: { name: workflowType }, taskQueue: { name: taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    input: a.input, workflowRunTimeout: a.workflowRunTimeout, workflowTaskTimeout: a.workflowTaskTimeout, workflowTaskCompletedEventId: wftc,
    backoffStartInterval: a.backoffStartInterval, initiator: 'CONTINUE_AS_NEW_INITIATOR_WORKFLOW', header: a.header, memo: a.memo,
    searchAttributes: a.searchAttributes, failure: a.failure, lastCompletionResult: a.lastCompletionResult,
  });
  const st = startedOf(run);
  createRun(eng, successor(run, {
    runId: newRunId, workflowType, taskQueue, input: a.input, header: a.header ?? st.header, memo: a.memo ?? s.memo,
    searchAttributes: a.searchAttributes ?? s.searchAttributes, retryPolicy: a.retryPolicy ?? st.retryPolicy,
    runTimeoutMs: durMs(a.workflowRunTimeout) || durMs(st.workflowRunTimeout), wftTimeoutMs: durMs(a.workflowTaskTimeout) || s.wft.timeoutMs,
    backoffMs, initiator: 'CONTINUE_AS_NEW_INITIATOR_WORKFLOW', lastCompletionResult: a.lastCompletionResult,
  }));
}

/** Run timeout (retryable per policy) or execution timeout (final). */
export function timeoutRun(eng: Engine, run: Run, now: number): void {
  forceEndWft(eng, run);
  const failure = { message: 'workflow timed out', timeoutFailureInfo: { timeoutType: 'TIMEOUT_TYPE_START_TO_CLOSE' } };
  if (run.s.execDeadline > 0 && now >= run.s.execDeadline) {
    closeRun(eng, run, 'TimedOut', 'WorkflowExecutionTimedOut', { retryState: 'RETRY_STATE_TIMEOUT' });
    return;
  }
  closeWithRetry(eng, run, failure, 'TimedOut', 'WorkflowExecutionTimedOut', {});
}

export function runKeyOf(run: Run): string {
  return runKey(run.s.namespace, run.s.runId);
}
