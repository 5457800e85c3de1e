/**
 * @module WorkflowService handlers: thin adapters from requests to the state core. Each resolves the
 * namespace (NOT_FOUND with NamespaceNotFoundFailure when unknown) and calls one core operation.
 */
import type { Msg } from '../proto.js';
import { dur } from '../proto.js';
import { invalid } from '../errors.js';
import type { Engine } from '../state/engine.js';
import { TaskQueues } from '../state/queues.js';
import { completeWft, failWft } from '../state/wft.js';
import { unstick } from '../state/wft-schedule.js';
import { newRunFromRequest, requestCancel, signalRun, startWorkflow, terminate } from '../state/workflow.js';
import { activityById, activityForToken, cancelActivityReported, completeActivity, failAttempt, heartbeat } from '../state/activities.js';
import { countWorkflows, describe, getHistory, listWorkflows } from '../state/read.js';
import { queryWorkflow, respondQueryTask } from '../state/queries.js';
import { pollUpdate, updateWorkflow } from '../state/updates.js';
import { executeMultiOperation } from '../state/multi-op.js';
import type { CallContext, Handler } from './wrap.js';
import { searchAttributeMaps } from './operator-service.js';
import { systemInfo } from './system-info.js';

function execOf(req: Msg, field = 'workflowExecution'): { workflowId: string; runId?: string } {
  const e = (req[field] ?? {}) as Msg;
  if (!e.workflowId) throw invalid('workflow id is not set');
  return { workflowId: String(e.workflowId), runId: e.runId ? String(e.runId) : undefined };
}

function poll(eng: Engine, kind: 'wf' | 'act', req: Msg, ctx: CallContext): Promise<Msg> {
  const ns = eng.namespaces.get(req.namespace).name;
  const name = req.taskQueue?.name as string | undefined;
  if (!name) throw invalid('task queue is not set');
  return new Promise((resolve) => {
    eng.queues.poll(TaskQueues.key(ns, kind, name), String(req.identity ?? ''), { isCancelled: ctx.isCancelled, resolve }, ctx.onCancel);
  });
}

function namespaceInfo(eng: Engine, name: string): Msg {
  const ns = eng.namespaces.get(name);
  return {
    namespaceInfo: { name: ns.name, id: ns.id, state: 'NAMESPACE_STATE_REGISTERED', description: 'embedded development namespace', capabilities: { eagerWorkflowStart: false, syncUpdate: true, asyncUpdate: true },
      // why: sdk-core enforces these on workflow task completions, failing the task with a clear error
      limits: { blobSizeLimitError: eng.maxPayloadBytes, memoSizeLimitError: eng.maxPayloadBytes } },
    config: { workflowExecutionRetentionTtl: dur(24 * 3600 * 1000), historyArchivalState: 'ARCHIVAL_STATE_DISABLED', visibilityArchivalState: 'ARCHIVAL_STATE_DISABLED' },
    isGlobalNamespace: false,
  };
}

type Activityish = { run: Parameters<typeof completeActivity>[1]; act: Parameters<typeof completeActivity>[2] };

/** The four activity responders, by token or by id. */
function activityHandlers(eng: Engine, find: (ns: string, req: Msg) => Activityish): Record<string, Handler> {
  const withAct = (fn: (a: Activityish, req: Msg) => Msg | void) => (req: Msg) =>
    eng.mutate(() => {
      const ns = eng.namespaces.get(req.namespace).name;
      return fn(find(ns, req), req) ?? {};
    });
  return {
    Completed: withAct(({ run, act }, req) => completeActivity(eng, run, act, req.result, String(req.identity ?? ''))),
    Failed: withAct(({ run, act }, req) => failAttempt(eng, run, act, req.failure ?? { message: 'activity failed' }, req.lastHeartbeatDetails, String(req.identity ?? ''), false)),
    Canceled: withAct(({ run, act }, req) => cancelActivityReported(eng, run, act, req.details, String(req.identity ?? ''))),
    Heartbeat: withAct(({ run, act }, req) => heartbeat(eng, run, act, req.details)),
  };
}

export function workflowHandlers(eng: Engine): Record<string, Handler> {
  return { ...clientHandlers(eng), ...workerHandlers(eng) };
}

/** What clients call: start, signal, cancel, terminate, read, query, update. */
function clientHandlers(eng: Engine): Record<string, Handler> {
  const nsName = (req: Msg): string => eng.namespaces.get(req.namespace).name;
  return {
    GetSystemInfo: () => systemInfo(),
    DescribeNamespace: (req) => namespaceInfo(eng, req.id ? eng.namespaces.byId(String(req.id)) : String(req.namespace ?? '')),
    ListNamespaces: () => ({ namespaces: eng.namespaces.all().map((n) => namespaceInfo(eng, n.name)) }),
    GetSearchAttributes: () => ({ keys: searchAttributeMaps(eng, 'default').all }),
    StartWorkflowExecution: (req) => {
      const ns = nsName(req);
      const r = eng.mutate(() => startWorkflow(eng, newRunFromRequest(ns, req), req));
      return { runId: r.runId, started: r.started };
    },
    SignalWithStartWorkflowExecution: (req) => {
      const ns = nsName(req);
      if (!req.signalName) throw invalid('signal name is not set');
      const r = eng.mutate(() => startWorkflow(eng, newRunFromRequest(ns, req), req, req));
      return { runId: r.runId, started: r.started };
    },
    SignalWorkflowExecution: (req) => {
      const ns = nsName(req);
      if (!req.signalName) throw invalid('signal name is not set');
      const e = execOf(req);
      eng.mutate(() => signalRun(eng, eng.getRunningRun(ns, e.workflowId, e.runId), req));
      return {};
    },
    RequestCancelWorkflowExecution: (req) => {
      const ns = nsName(req);
      const e = execOf(req);
      eng.mutate(() => requestCancel(eng, eng.getRunningRun(ns, e.workflowId, e.runId), req));
      return {};
    },
    TerminateWorkflowExecution: (req) => {
      const ns = nsName(req);
      const e = execOf(req);
      eng.mutate(() => terminate(eng, eng.getRunningRun(ns, e.workflowId, e.runId), String(req.reason ?? ''), req.details, String(req.identity ?? '')));
      return {};
    },
    GetWorkflowExecutionHistory: (req, ctx) => getHistory(eng, nsName(req), { ...req, execution: execOf(req, 'execution') }, ctx.onCancel),
    DescribeWorkflowExecution: (req) => describe(eng, nsName(req), { execution: execOf(req, 'execution') }),
    ListWorkflowExecutions: (req) => listWorkflows(eng, nsName(req), req),
    CountWorkflowExecutions: (req) => countWorkflows(eng, nsName(req), req),
    QueryWorkflow: (req, ctx) => queryWorkflow(eng, nsName(req), { ...req, execution: execOf(req, 'execution') }, ctx.onCancel),
    UpdateWorkflowExecution: (req, ctx) => updateWorkflow(eng, nsName(req), { ...req, workflowExecution: execOf(req) }, ctx.onCancel),
    PollWorkflowExecutionUpdate: (req, ctx) => pollUpdate(eng, nsName(req), req, ctx.onCancel),
    ExecuteMultiOperation: (req, ctx) => executeMultiOperation(eng, nsName(req), req, ctx.onCancel),
  };
}

/** What workers call: polls, task responses, heartbeats, shutdown. */
function workerHandlers(eng: Engine): Record<string, Handler> {
  const nsName = (req: Msg): string => eng.namespaces.get(req.namespace).name;
  const byToken = activityHandlers(eng, (ns, req) => activityForToken(eng, ns, req.taskToken));
  const byId = activityHandlers(eng, (ns, req) => activityById(eng, ns, req));
  return {
    PollWorkflowTaskQueue: (req, ctx) => poll(eng, 'wf', req, ctx),
    PollActivityTaskQueue: (req, ctx) => poll(eng, 'act', req, ctx),
    RespondWorkflowTaskCompleted: (req) => completeWft(eng, nsName(req), req),
    RespondWorkflowTaskFailed: (req) => (failWft(eng, nsName(req), req), {}),
    RespondActivityTaskCompleted: byToken.Completed!,
    RespondActivityTaskFailed: byToken.Failed!,
    RespondActivityTaskCanceled: byToken.Canceled!,
    RecordActivityTaskHeartbeat: byToken.Heartbeat!,
    RespondActivityTaskCompletedById: byId.Completed!,
    RespondActivityTaskFailedById: byId.Failed!,
    RespondActivityTaskCanceledById: byId.Canceled!,
    RecordActivityTaskHeartbeatById: byId.Heartbeat!,
    RespondQueryTaskCompleted: (req) => (nsName(req), respondQueryTask(eng, req)),
    ResetStickyTaskQueue: () => ({}),
    ShutdownWorker: (req) => {
      const ns = nsName(req);
      const sticky = String(req.stickyTaskQueue ?? '');
      if (sticky) eng.mutate(() => {
        for (const run of eng.runs.values()) if (run.s.namespace === ns && run.s.sticky?.queue === sticky) unstick(eng, run);
      });
      return {};
    },
  };
}
