/**
 * @module Commands of a completed workflow task: validated as a whole first (a bad command fails
 * the task and writes nothing else), then applied in order, each event pointing at the
 * WorkflowTaskCompleted event through `workflowTaskCompletedEventId`.
 */
import { commandAttrKey, durMs, largestPayload, type Msg } from '../proto.js';
import type { Engine, Run } from './engine.js';
import { cancelActivityByCommand, scheduleActivity, validateActivity } from './activities.js';
import { closeRun, continueAsNew, failWorkflow } from './workflow.js';
import { cancelExternal, initiateChild, signalExternal } from './children.js';
import { applyUpdateMessage } from './updates.js';
import { decodeIndexed, mergeSearchAttributes } from './visibility-rows.js';

const TERMINAL_TYPES = [
  'COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION',
  'COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION',
  'COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION',
  'COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION',
];

export interface BadCommand {
  cause: string;
  message: string;
}

const bad = (cause: string, message: string): BadCommand => ({ cause: `WORKFLOW_TASK_FAILED_CAUSE_${cause}`, message });

/** Checks every command before anything is applied; returns the first problem. */
export function validateCommands(eng: Engine, run: Run, commands: Msg[], messages: Msg[]): BadCommand | undefined {
  const timers = new Set(Object.keys(run.s.timers));
  const activityIds = new Set(Object.values(run.s.activities).map((a) => a.activityId));
  const messageIds = new Set(messages.map((m) => String(m.id)));
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i]!;
    const type = String(c.commandType ?? '');
    const a = (c[commandAttrKey(type)] ?? {}) as Msg;
    if (TERMINAL_TYPES.includes(type) && i !== commands.length - 1) return bad('BAD_COMPLETE_WORKFLOW_EXECUTION_ATTRIBUTES', `command \`${type}\` must be the last command`);
    if (largestPayload(a) > eng.maxPayloadBytes) return bad('BAD_COMPLETE_WORKFLOW_EXECUTION_ATTRIBUTES', `a payload of command \`${type}\` exceeds the ${eng.maxPayloadBytes}-byte limit`);
    const problem = validateOne(eng, run, type, a, { timers, activityIds, messageIds });
    if (problem) return problem;
  }
  return undefined;
}

interface Seen {
  timers: Set<string>;
  activityIds: Set<string>;
  messageIds: Set<string>;
}

function validateOne(eng: Engine, run: Run, type: string, a: Msg, seen: Seen): BadCommand | undefined {
  switch (type) {
    case 'COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK': {
      const m = validateActivity(a, seen.activityIds);
      if (m) return bad('BAD_SCHEDULE_ACTIVITY_ATTRIBUTES', m);
      seen.activityIds.add(String(a.activityId));
      return undefined;
    }
    case 'COMMAND_TYPE_START_TIMER':
      if (!a.timerId) return bad('BAD_START_TIMER_ATTRIBUTES', 'timer id is not set');
      if (seen.timers.has(String(a.timerId))) return bad('START_TIMER_DUPLICATE_ID', `timer \`${a.timerId}\` is already started`);
      seen.timers.add(String(a.timerId));
      return undefined;
    case 'COMMAND_TYPE_CANCEL_TIMER':
      if (!seen.timers.has(String(a.timerId))) return bad('BAD_CANCEL_TIMER_ATTRIBUTES', `timer \`${a.timerId}\` is not started`);
      seen.timers.delete(String(a.timerId));
      return undefined;
    case 'COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK':
      if (!Number(a.scheduledEventId)) return bad('BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES', 'scheduled event id is not set');
      return undefined;
    case 'COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES':
    case 'COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION':
      try {
        eng.namespaces.get(run.s.namespace).registry.validateUpsert(decodeIndexed(a.searchAttributes));
      } catch (e) {
        return bad('BAD_SEARCH_ATTRIBUTES', (e as Error).message);
      }
      return undefined;
    case 'COMMAND_TYPE_PROTOCOL_MESSAGE':
      if (!seen.messageIds.has(String(a.messageId))) return bad('BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE', `protocol message \`${a.messageId}\` is not in the request`);
      return undefined;
    case 'COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION':
      if (!a.workflowId || !a.workflowType?.name) return bad('BAD_START_CHILD_EXECUTION_ATTRIBUTES', 'child workflow id and type are required');
      try {
        eng.namespaces.get(a.namespace || run.s.namespace).registry.validateUpsert(decodeIndexed(a.searchAttributes));
      } catch (e) {
        return bad('BAD_START_CHILD_EXECUTION_ATTRIBUTES', (e as Error).message);
      }
      return undefined;
    case 'COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION':
    case 'COMMAND_TYPE_REQUEST_CANCEL_NEXUS_OPERATION':
      return bad('BAD_SCHEDULE_NEXUS_OPERATION_ATTRIBUTES', 'nexus operations are not supported by this server');
    default:
      return KNOWN.has(type) ? undefined : bad('UNSPECIFIED', `command type \`${type}\` is not supported`);
  }
}

const KNOWN = new Set([
  ...TERMINAL_TYPES,
  'COMMAND_TYPE_RECORD_MARKER',
  'COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES',
  'COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION',
  'COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION',
]);

/**
 * Applies validated commands; true when the workflow needs a new task for what they produced.
 * `eager` collects activities to hand back in the completion's response (see scheduleActivity).
 */
export function processCommands(eng: Engine, run: Run, commands: Msg[], messages: Msg[], completedId: number, identity: string, eager?: number[]): boolean {
  const byId = new Map(messages.map((m) => [String(m.id), m] as const));
  let needWft = false;
  for (const c of commands) {
    const type = String(c.commandType);
    const a = (c[commandAttrKey(type)] ?? {}) as Msg;
    if (type === 'COMMAND_TYPE_PROTOCOL_MESSAGE') {
      const m = byId.get(String(a.messageId));
      byId.delete(String(a.messageId));
      if (m) applyUpdateMessage(eng, run, m);
      continue;
    }
    if (type === 'COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK') scheduleActivity(eng, run, a, completedId, eager);
    else if (applyOne(eng, run, type, a, completedId, identity)) needWft = true;
  }
  for (const m of byId.values()) applyUpdateMessage(eng, run, m);
  return needWft;
}

type Apply = (eng: Engine, run: Run, a: Msg, wftc: number, identity: string) => boolean | void;

/** Command type -> its events and side effects; `true` when the workflow needs a new task. */
const APPLY: Record<string, Apply> = {
  // COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK is applied in processCommands (it may be dispatched eagerly)
  COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK: (eng, run, a, wftc) => cancelActivityByCommand(eng, run, Number(a.scheduledEventId), wftc),
  COMMAND_TYPE_START_TIMER: (eng, run, a, wftc) => {
    const id = eng.append(run, 'TimerStarted', { timerId: a.timerId, startToFireTimeout: a.startToFireTimeout, workflowTaskCompletedEventId: wftc });
    run.s.timers[String(a.timerId)] = { timerId: String(a.timerId), startedId: id, fireAt: eng.now() + durMs(a.startToFireTimeout) };
  },
  COMMAND_TYPE_CANCEL_TIMER: (eng, run, a, wftc, identity) => {
    const t = run.s.timers[String(a.timerId)];
    eng.append(run, 'TimerCanceled', { timerId: a.timerId, startedEventId: t?.startedId ?? 0, workflowTaskCompletedEventId: wftc, identity });
    delete run.s.timers[String(a.timerId)];
  },
  COMMAND_TYPE_RECORD_MARKER: (eng, run, a, wftc) => void eng.append(run, 'MarkerRecorded', { ...a, workflowTaskCompletedEventId: wftc }),
  COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: (eng, run, a, wftc) => {
    eng.append(run, 'UpsertWorkflowSearchAttributes', { workflowTaskCompletedEventId: wftc, searchAttributes: a.searchAttributes ?? {} });
    mergeSearchAttributes(run, a.searchAttributes);
  },
  COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES: (eng, run, a, wftc) => {
    eng.append(run, 'WorkflowPropertiesModified', { workflowTaskCompletedEventId: wftc, upsertedMemo: a.upsertedMemo ?? {} });
    run.s.memo = { fields: { ...(run.s.memo.fields ?? {}), ...(a.upsertedMemo?.fields ?? {}) } };
  },
  COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION: (eng, run, a, wftc) => closeRun(eng, run, 'Completed', 'WorkflowExecutionCompleted', { result: a.result, workflowTaskCompletedEventId: wftc }),
  COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION: (eng, run, a, wftc) => failWorkflow(eng, run, a.failure, wftc),
  COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION: (eng, run, a, wftc) => closeRun(eng, run, 'Canceled', 'WorkflowExecutionCanceled', { details: a.details, workflowTaskCompletedEventId: wftc }),
  COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION: (eng, run, a, wftc) => continueAsNew(eng, run, a, wftc),
  COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION: (eng, run, a, wftc) => initiateChild(eng, run, a, wftc),
  COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION: (eng, run, a, wftc) => signalExternal(eng, run, a, wftc),
  COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION: (eng, run, a, wftc) => cancelExternal(eng, run, a, wftc),
};

function applyOne(eng: Engine, run: Run, type: string, a: Msg, wftc: number, identity: string): boolean {
  return APPLY[type]?.(eng, run, a, wftc, identity) === true;
}
