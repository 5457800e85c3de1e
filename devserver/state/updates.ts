/**
 * @module Workflow updates (§6.9). Admitted updates are persisted in the run and delivered as
 * protocol messages with the next workflow task; the worker's Acceptance / Response messages write
 * UpdateAccepted / UpdateCompleted; a Rejection writes nothing (the outcome is kept in memory only
 * for the callers waiting on it). A duplicate update id returns the existing update's state.
 */
import { packAny, unpackAny, type Msg } from '../proto.js';
import { invalid, notFound } from '../errors.js';
import type { Engine, Run } from './engine.js';
import { scheduleWft } from './wft-schedule.js';
import { Waiters, waitFor } from './waiters.js';
import { runKey, type UpdateState } from './types.js';

const waitersByEngine = new WeakMap<Engine, { w: Waiters; rejected: Map<string, Msg> }>();
function volatile(eng: Engine): { w: Waiters; rejected: Map<string, Msg> } {
  let v = waitersByEngine.get(eng);
  if (!v) {
    v = { w: new Waiters(), rejected: new Map() };
    waitersByEngine.set(eng, v);
  }
  return v;
}

const STAGES = ['UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED', 'UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED', 'UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED'];
/** How long an update call waits before answering with the stage reached so far. */
export const UPDATE_WAIT_MS = 10_000;

function stageRank(u: UpdateState | undefined): number {
  if (!u) return -1;
  return u.stage === 'completed' ? 2 : u.stage === 'accepted' ? 1 : 0;
}

function wake(eng: Engine, run: Run, updateId: string): void {
  const key = `${runKey(run.s.namespace, run.s.runId)}/${updateId}`;
  eng.effect(() => volatile(eng).w.wake(key));
}

export async function updateWorkflow(eng: Engine, ns: string, req: Msg, onCancel: (cb: () => void) => void): Promise<Msg> {
  const updateId = String(req.request?.meta?.updateId ?? '');
  if (!updateId) throw invalid('update id is not set');
  if (!req.request?.input?.name) throw invalid('update name is not set');
  const run = eng.mutate(() => admit(eng, ns, req, updateId));
  return wait(eng, run, updateId, req.waitPolicy?.lifecycleStage, onCancel);
}

function admit(eng: Engine, ns: string, req: Msg, updateId: string): Run {
  const run = eng.getRun(ns, String(req.workflowExecution?.workflowId ?? ''), req.workflowExecution?.runId || undefined);
  return admitOn(eng, run, req, updateId);
}

/** Registers an update on a run (idempotent by update id) and makes sure a task will carry it. */
export function admitOn(eng: Engine, run: Run, req: Msg, updateId: string): Run {
  if (run.s.updates[updateId]) return run;
  if (run.s.status !== 'Running') throw notFound(`workflow execution \`${run.s.workflowId}\` already completed`);
  if (req.firstExecutionRunId && req.firstExecutionRunId !== run.s.firstRunId) throw notFound(`workflow execution \`${run.s.workflowId}\` with first run \`${req.firstExecutionRunId}\` is not found`);
  eng.touch(run);
  run.s.updates[updateId] = { updateId, request: req.request, stage: 'admitted', acceptedEventId: 0, sequencingEventId: 0 };
  scheduleWft(eng, run, true);
  return run;
}

function response(run: Run, updateId: string, rank: number, outcome?: Msg): Msg {
  const r: Msg = { updateRef: { workflowExecution: { workflowId: run.s.workflowId, runId: run.s.runId }, updateId }, stage: STAGES[Math.max(0, rank)] };
  if (outcome) r.outcome = outcome;
  return r;
}

export function wait(eng: Engine, run: Run, updateId: string, wanted: unknown, onCancel: (cb: () => void) => void): Promise<Msg> {
  const want = Math.max(0, STAGES.indexOf(String(wanted ?? '')));
  const v = volatile(eng);
  const key = `${runKey(run.s.namespace, run.s.runId)}/${updateId}`;
  const check = (): Msg | undefined => {
    const rej = v.rejected.get(key);
    if (rej) return response(run, updateId, 2, rej);
    const u = run.s.updates[updateId];
    if (!u) throw notFound(`update \`${updateId}\` is not found`);
    if (u.stage !== 'completed' && run.s.status !== 'Running') throw notFound(`workflow execution \`${run.s.workflowId}\` already completed`);
    const rank = stageRank(u);
    return rank >= want ? response(run, updateId, rank, u.outcome) : undefined;
  };
  return waitFor(v.w, key, check, UPDATE_WAIT_MS, () => response(run, updateId, stageRank(run.s.updates[updateId]), run.s.updates[updateId]?.outcome), onCancel);
}

export function pollUpdate(eng: Engine, ns: string, req: Msg, onCancel: (cb: () => void) => void): Promise<Msg> {
  const ref = req.updateRef ?? {};
  const updateId = String(ref.updateId ?? '');
  if (!updateId) throw invalid('update id is not set');
  const run = eng.getRun(ns, String(ref.workflowExecution?.workflowId ?? ''), ref.workflowExecution?.runId || undefined);
  if (!run.s.updates[updateId] && !volatile(eng).rejected.has(`${runKey(run.s.namespace, run.s.runId)}/${updateId}`)) throw notFound(`update \`${updateId}\` is not found`);
  return wait(eng, run, updateId, req.waitPolicy?.lifecycleStage ?? STAGES[2], onCancel);
}

/** Protocol messages for admitted updates, attached to the workflow task being delivered. */
export function collectUpdateMessages(eng: Engine, run: Run, sequencingEventId: number): Msg[] {
  const out: Msg[] = [];
  for (const u of Object.values(run.s.updates)) {
    if (u.stage !== 'admitted') continue;
    u.stage = 'delivered';
    u.sequencingEventId = sequencingEventId;
    out.push({ id: `${u.updateId}/request`, protocolInstanceId: u.updateId, eventId: sequencingEventId, body: packAny('temporal.api.update.v1.Request', u.request) });
  }
  return out;
}

export function hasUndeliveredUpdates(run: Run): boolean {
  return Object.values(run.s.updates).some((u) => u.stage === 'admitted');
}

/** The task carrying these requests failed: deliver them again with the next one. */
export function redeliverUpdates(run: Run): void {
  for (const u of Object.values(run.s.updates)) if (u.stage === 'delivered') u.stage = 'admitted';
}

export function applyUpdateMessage(eng: Engine, run: Run, m: Msg): void {
  const body = unpackAny(m.body);
  const updateId = String(m.protocolInstanceId ?? '');
  const u = run.s.updates[updateId];
  if (!body || !u) return;
  const b = body.value;
  // why: nothing may follow a run's close event; core orders update messages before completion
  if (run.s.status !== 'Running' && body.typeName !== 'temporal.api.update.v1.Rejection') return;
  if (body.typeName === 'temporal.api.update.v1.Acceptance') {
    u.acceptedEventId = eng.append(run, 'WorkflowExecutionUpdateAccepted', {
      protocolInstanceId: updateId, acceptedRequestMessageId: b.acceptedRequestMessageId ?? `${updateId}/request`,
      acceptedRequestSequencingEventId: b.acceptedRequestSequencingEventId ?? u.sequencingEventId, acceptedRequest: b.acceptedRequest ?? u.request,
    });
    u.stage = 'accepted';
  } else if (body.typeName === 'temporal.api.update.v1.Response') {
    eng.append(run, 'WorkflowExecutionUpdateCompleted', { meta: b.meta ?? { updateId }, acceptedEventId: u.acceptedEventId, outcome: b.outcome });
    u.stage = 'completed';
    u.outcome = b.outcome;
  } else if (body.typeName === 'temporal.api.update.v1.Rejection') {
    delete run.s.updates[updateId];
    const key = `${runKey(run.s.namespace, run.s.runId)}/${updateId}`;
    const v = volatile(eng);
    eng.effect(() => {
      v.rejected.set(key, { failure: b.failure });
      setTimeout(() => v.rejected.delete(key), 60_000).unref();
    });
  }
  wake(eng, run, updateId);
}

/** The run closed: updates never accepted are dropped; waiters learn the run is gone. */
export function failPendingUpdates(eng: Engine, run: Run): void {
  for (const u of Object.values(run.s.updates)) {
    if (u.stage === 'completed') continue;
    if (u.stage !== 'accepted') delete run.s.updates[u.updateId];
    wake(eng, run, u.updateId);
  }
}

