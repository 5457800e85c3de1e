/**
 * @module Child workflows and external signal / cancel. The initiating event is written with the
 * command; the outcome (started, failed to start, signaled...) arrives as an external event to the
 * parent at the end of the same unit of work, like the real server's transfer tasks.
 */
import { randomUUID } from 'node:crypto';
import type { Msg } from '../proto.js';
import { isServiceError } from '../errors.js';
import type { Engine, Run } from './engine.js';
import { addExternal } from './history.js';
import { startedOf } from './run-factory.js';
import { newRunFromRequest, requestCancel, signalRun, startWorkflow, terminate } from './workflow.js';
import { runKey, type ExecutionStatus } from './types.js';

export function initiateChild(eng: Engine, run: Run, a: Msg, wftc: number): void {
  const ns = (a.namespace as string | undefined) || run.s.namespace;
  const attrs: Msg = {
    namespace: ns, workflowId: a.workflowId, workflowType: a.workflowType, taskQueue: { name: a.taskQueue?.name || run.s.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
    input: a.input, workflowExecutionTimeout: a.workflowExecutionTimeout, workflowRunTimeout: a.workflowRunTimeout,
    workflowTaskTimeout: a.workflowTaskTimeout, parentClosePolicy: a.parentClosePolicy, control: a.control,
    workflowTaskCompletedEventId: wftc, workflowIdReusePolicy: a.workflowIdReusePolicy, retryPolicy: a.retryPolicy,
    cronSchedule: a.cronSchedule, header: a.header, memo: a.memo, searchAttributes: a.searchAttributes, priority: a.priority,
  };
  const id = eng.append(run, 'StartChildWorkflowExecutionInitiated', attrs);
  run.s.children[String(id)] = {
    initiatedId: id, namespace: ns, workflowId: String(a.workflowId), workflowType: String(a.workflowType?.name ?? ''), runId: '', startedId: 0,
    parentClosePolicy: String(a.parentClosePolicy ?? 'PARENT_CLOSE_POLICY_TERMINATE'),
  };
  eng.later(() => startChild(eng, run, id, attrs));
}

function startChild(eng: Engine, parent: Run, initiatedId: number, a: Msg): void {
  const common = { namespace: a.namespace, initiatedEventId: initiatedId, workflowType: a.workflowType };
  try {
    eng.namespaces.get(a.namespace);
    const p = newRunFromRequest(String(a.namespace), { ...a, requestId: randomUUID(), identity: `parent:${parent.s.workflowId}` }, {
      namespace: parent.s.namespace, workflowId: parent.s.workflowId, runId: parent.s.runId, initiatedId,
    });
    p.rootExecution = startedOf(parent).rootWorkflowExecution;
    const r = startWorkflow(eng, p, { workflowIdReusePolicy: a.workflowIdReusePolicy, workflowIdConflictPolicy: 'WORKFLOW_ID_CONFLICT_POLICY_FAIL' });
    const child = parent.s.children[String(initiatedId)];
    if (child) child.runId = r.runId;
    addExternal(eng, parent, [{
      type: 'ChildWorkflowExecutionStarted',
      attrs: { ...common, workflowExecution: { workflowId: a.workflowId, runId: r.runId }, header: a.header },
      child: { kind: 'started', initiatedId },
    }]);
  } catch (e) {
    if (!isServiceError(e)) throw e;
    delete parent.s.children[String(initiatedId)];
    addExternal(eng, parent, [{
      type: 'StartChildWorkflowExecutionFailed',
      attrs: { ...common, workflowId: a.workflowId, control: a.control, workflowTaskCompletedEventId: a.workflowTaskCompletedEventId,
        cause: e.code === 'ALREADY_EXISTS' ? 'START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS' : 'START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_NAMESPACE_NOT_FOUND' },
    }]);
  }
}

const RESULT: Partial<Record<ExecutionStatus, [string, (a: Msg) => Msg]>> = {
  Completed: ['ChildWorkflowExecutionCompleted', (a) => ({ result: a.result })],
  Failed: ['ChildWorkflowExecutionFailed', (a) => ({ failure: a.failure, retryState: a.retryState })],
  Canceled: ['ChildWorkflowExecutionCanceled', (a) => ({ details: a.details })],
  Terminated: ['ChildWorkflowExecutionTerminated', () => ({})],
  TimedOut: ['ChildWorkflowExecutionTimedOut', (a) => ({ retryState: a.retryState })],
};

/** The end of a child's chain of runs, reported to its parent. */
export function notifyParent(eng: Engine, child: Run, status: ExecutionStatus, closeAttrs: Msg): void {
  const ref = child.s.parent;
  const parent = ref ? eng.getRunByKey(runKey(ref.namespace, ref.runId)) : undefined;
  const entry = RESULT[status];
  if (!ref || !parent || parent.s.status !== 'Running' || !entry || !parent.s.children[String(ref.initiatedId)]) return;
  const [type, pick] = entry;
  addExternal(eng, parent, [{
    type,
    attrs: { namespace: child.s.namespace, workflowExecution: { workflowId: child.s.workflowId, runId: child.s.runId }, workflowType: { name: child.s.workflowType }, initiatedEventId: ref.initiatedId, ...pick(closeAttrs) },
    child: { kind: 'result', initiatedId: ref.initiatedId },
  }]);
}

/** Parent closed: terminate, cancel or abandon each child still open. */
export function applyParentClosePolicy(eng: Engine, parent: Run): void {
  const children = Object.values(parent.s.children);
  parent.s.children = {};
  for (const c of children) {
    const key = eng.current.get(`${c.namespace}/${c.workflowId}`);
    const child = key ? eng.getRunByKey(key) : undefined;
    if (!child || child.s.status !== 'Running' || child.s.parent?.runId !== parent.s.runId) continue;
    if (c.parentClosePolicy === 'PARENT_CLOSE_POLICY_ABANDON') continue;
    if (c.parentClosePolicy === 'PARENT_CLOSE_POLICY_REQUEST_CANCEL') requestCancel(eng, child, { reason: 'by parent close policy', identity: 'server' });
    else terminate(eng, child, 'by parent close policy', undefined, 'server');
  }
}

function findTarget(eng: Engine, ns: string, exec: Msg | undefined): Run | undefined {
  const key = exec?.runId ? runKey(ns, String(exec.runId)) : eng.current.get(`${ns}/${exec?.workflowId}`);
  const run = key ? eng.getRunByKey(key) : undefined;
  return run && run.s.status === 'Running' && run.s.workflowId === exec?.workflowId ? run : undefined;
}

export function signalExternal(eng: Engine, run: Run, a: Msg, wftc: number): void {
  const ns = (a.namespace as string | undefined) || run.s.namespace;
  const base = { namespace: ns, workflowExecution: a.execution, control: a.control };
  const id = eng.append(run, 'SignalExternalWorkflowExecutionInitiated', { ...base, signalName: a.signalName, input: a.input, childWorkflowOnly: a.childWorkflowOnly, header: a.header, workflowTaskCompletedEventId: wftc });
  eng.later(() => {
    const target = findTarget(eng, ns, a.execution);
    if (!target) {
      addExternal(eng, run, [{ type: 'SignalExternalWorkflowExecutionFailed', attrs: { ...base, initiatedEventId: id, workflowTaskCompletedEventId: wftc, cause: 'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND' } }]);
      return;
    }
    signalRun(eng, target, { signalName: a.signalName, input: a.input, header: a.header, identity: `workflow:${run.s.workflowId}`, requestId: `${run.s.runId}/${id}` });
    addExternal(eng, run, [{ type: 'ExternalWorkflowExecutionSignaled', attrs: { ...base, workflowExecution: { workflowId: target.s.workflowId, runId: target.s.runId }, initiatedEventId: id } }]);
  });
}

export function cancelExternal(eng: Engine, run: Run, a: Msg, wftc: number): void {
  const ns = (a.namespace as string | undefined) || run.s.namespace;
  const exec = { workflowId: a.workflowId, runId: a.runId || undefined };
  const base = { namespace: ns, workflowExecution: exec, control: a.control };
  const id = eng.append(run, 'RequestCancelExternalWorkflowExecutionInitiated', { ...base, childWorkflowOnly: a.childWorkflowOnly, reason: a.reason, workflowTaskCompletedEventId: wftc });
  eng.later(() => {
    const target = findTarget(eng, ns, exec);
    if (!target) {
      addExternal(eng, run, [{ type: 'RequestCancelExternalWorkflowExecutionFailed', attrs: { ...base, initiatedEventId: id, workflowTaskCompletedEventId: wftc, cause: 'CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND' } }]);
      return;
    }
    requestCancel(eng, target, { reason: a.reason, identity: `workflow:${run.s.workflowId}`, requestId: `${run.s.runId}/${id}`, externalInitiatedEventId: id, externalWorkflowExecution: { workflowId: run.s.workflowId, runId: run.s.runId } });
    addExternal(eng, run, [{ type: 'ExternalWorkflowExecutionCancelRequested', attrs: { namespace: ns, workflowExecution: { workflowId: target.s.workflowId, runId: target.s.runId }, initiatedEventId: id } }]);
  });
}

