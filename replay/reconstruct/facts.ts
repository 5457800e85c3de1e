/**
 * @module History events grouped into facts: one per activity call (scheduled + started + closed),
 * signal, cancellation request, start and close. Events that carry no governance meaning (workflow
 * tasks, timers, markers, search attributes) are counted but produce no fact; anything else is
 * listed as unrecognised, so that a foreign history yields what it can and says what it skipped.
 */
import { decodeFirst, encodingName, payloadList, decodePayload } from '../history/payloads.js';
import { toNumber, type NormalEvent } from '../history/events.js';
import type { Unrecognised } from './types.js';

export interface ActivityCall {
  name: string;
  activityId: string;
  scheduled: NormalEvent;
  started?: NormalEvent;
  closed?: NormalEvent;
  attempt: number;
  input: unknown;
  result?: unknown;
  failure?: string;
  closeType?: 'Completed' | 'Failed' | 'TimedOut' | 'Canceled';
}

export type Fact =
  | { kind: 'started'; event: NormalEvent; input: unknown }
  | { kind: 'activity'; call: ActivityCall }
  | { kind: 'retry'; call: ActivityCall; event: NormalEvent }
  | { kind: 'signal'; event: NormalEvent; name: string; payload: unknown }
  | { kind: 'cancel-requested'; event: NormalEvent; cause?: string }
  | { kind: 'closed'; event: NormalEvent; status: string; result?: unknown; failure?: string };

const QUIET = new Set([
  'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted', 'WorkflowTaskFailed', 'WorkflowTaskTimedOut',
  'TimerStarted', 'TimerFired', 'TimerCanceled', 'MarkerRecorded', 'UpsertWorkflowSearchAttributes', 'WorkflowPropertiesModified',
  'ActivityTaskCancelRequested',
]);

/** The marker name the Temporal SDKs' core gives local activities. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

const CLOSE_STATUS: Record<string, string> = {
  WorkflowExecutionCompleted: 'COMPLETED', WorkflowExecutionFailed: 'FAILED', WorkflowExecutionCanceled: 'CANCELED',
  WorkflowExecutionTerminated: 'TERMINATED', WorkflowExecutionTimedOut: 'TIMED_OUT', WorkflowExecutionContinuedAsNew: 'CONTINUED_AS_NEW',
};

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const nameOf = (v: unknown): string => str((v as { name?: unknown } | undefined)?.name);

/**
 * A payload as the digest sees it: the text `<encoding>:<data as base64>`, the same whether the
 * history arrived as proto objects (bytes) or as JSON (base64 strings). Kept in two parts so that the
 * digest can hash megabytes of base64 without copying them into one string first.
 */
export class PayloadText {
  constructor(readonly encoding: string, readonly base64: string) {}

  toJSON(): string {
    return `${this.encoding}:${this.base64}`;
  }
}

function payloadText(p: unknown): PayloadText | null {
  if (p === null || typeof p !== 'object') return null;
  const o = p as { metadata?: { encoding?: unknown }; data?: unknown };
  const b64 = (v: unknown): string => (typeof v === 'string' ? v : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : '');
  return new PayloadText(encodingName(o.metadata?.encoding) ?? '', b64(o.data));
}

export function failureMessage(f: unknown): string {
  if (f === null || typeof f !== 'object') return 'failed';
  const o = f as { message?: unknown; cause?: unknown };
  const own = str(o.message);
  const cause = o.cause ? failureMessage(o.cause) : '';
  return own && cause && cause !== 'failed' ? `${own}: ${cause}` : own || cause || 'failed';
}

export interface Facts {
  unrecognised: Unrecognised[];
  content: ReadonlyMap<number, unknown[]>;
}

class Collector {
  readonly unrecognised: Unrecognised[] = [];

  /** `emit` receives each fact as soon as it is complete, so decoded payloads no handler keeps die young. */
  constructor(readonly emit: (f: Fact) => void) {}


  /** What each event contributed that the record reads (decoded payloads, failure text): the content the history digest binds. */
  readonly content = new Map<number, unknown[]>();
  private readonly calls = new Map<number, ActivityCall>();

  note(e: NormalEvent, v: unknown): void {
    const list = this.content.get(e.id);
    if (list) list.push(v ?? null);
    else this.content.set(e.id, [v ?? null]);
  }

  decoded(v: unknown, e: NormalEvent, what: string): unknown {
    const d = decodeFirst(v);
    this.note(e, payloadText(payloadList(v)[0]));
    if (d.ok) return d.value;
    this.unrecognised.push({ eventId: e.id, type: e.type, message: `${what} could not be decoded: ${d.message}` });
    return undefined;
  }

  private callFor(e: NormalEvent, key: string): ActivityCall | undefined {
    const c = this.calls.get(toNumber(e.attrs[key]) ?? -1);
    if (!c) this.unrecognised.push({ eventId: e.id, type: e.type, message: `refers to activity event \`${str(e.attrs[key])}\`, which is not in the history` });
    return c;
  }

  scheduled(e: NormalEvent): void {
    const call: ActivityCall = { name: nameOf(e.attrs.activityType), activityId: str(e.attrs.activityId), scheduled: e, attempt: 1, input: this.decoded(e.attrs.input, e, 'activity input') };
    this.calls.set(e.id, call);
  }

  started(e: NormalEvent): void {
    const call = this.callFor(e, 'scheduledEventId');
    if (!call) return;
    call.started = e;
    call.attempt = toNumber(e.attrs.attempt) ?? 1;
    this.note(e, call.attempt);
    if (call.attempt > 1) this.emit({ kind: 'retry', call, event: e });
  }

  closed(e: NormalEvent, closeType: NonNullable<ActivityCall['closeType']>): void {
    const call = this.callFor(e, 'scheduledEventId');
    if (!call) return;
    call.closed = e;
    call.closeType = closeType;
    if (closeType === 'Completed') call.result = this.decoded(e.attrs.result, e, 'activity result');
    else {
      call.failure = failureMessage(e.attrs.failure) + (closeType === 'TimedOut' ? ' (timed out)' : '');
      this.note(e, call.failure);
    }
    this.emit({ kind: 'activity', call });
  }

  /**
   * A local activity, recorded by the SDK as one marker holding its data (type, id, attempt) and
   * result. The governed-task worker returns `{ input, output }` from its local activities because
   * the marker keeps no input; a marker of any other shape is reported, not guessed at.
   */
  localActivity(e: NormalEvent): void {
    const details = (e.attrs.details ?? {}) as Record<string, unknown>;
    const data = this.decoded(details.data, e, 'local activity marker data') as { activity_type?: unknown; activity_id?: unknown; attempt?: unknown } | undefined;
    const name = str(data?.activity_type);
    if (!name) return void this.unrecognised.push({ eventId: e.id, type: e.type, message: 'local activity marker without an activity type' });
    const call: ActivityCall = { name, activityId: str(data?.activity_id), scheduled: e, started: e, closed: e, attempt: toNumber(data?.attempt) ?? 1, input: undefined };
    if (e.attrs.failure) {
      call.closeType = 'Failed';
      call.failure = failureMessage(e.attrs.failure);
      this.note(e, call.failure);
    } else {
      const recorded = this.decoded(details.result, e, 'local activity result') as { input?: unknown; output?: unknown } | undefined;
      if (!recorded || typeof recorded !== 'object' || !('input' in recorded)) {
        return void this.unrecognised.push({ eventId: e.id, type: e.type, message: `local activity \`${name}\` did not record its input with its result` });
      }
      call.closeType = 'Completed';
      call.input = recorded.input;
      call.result = recorded.output;
    }
    if (call.attempt > 1) this.emit({ kind: 'retry', call, event: e });
    this.emit({ kind: 'activity', call });
  }

  /** Calls never closed (a running task) still count: they are reported at the end, in schedule order. */
  pending(): void {
    for (const call of this.calls.values()) if (!call.closed) this.emit({ kind: 'activity', call });
  }
}

function signalPayload(c: Collector, e: NormalEvent): unknown {
  const list = payloadList(e.attrs.input);
  if (list.length === 0) return undefined;
  const d = decodePayload(list[0]);
  c.note(e, payloadText(list[0]));
  if (!d.ok) c.unrecognised.push({ eventId: e.id, type: e.type, message: `signal input could not be decoded: ${d.message}` });
  return d.ok ? d.value : undefined;
}

function handle(c: Collector, e: NormalEvent): void {
  switch (e.type) {
    case 'WorkflowExecutionStarted': c.emit({ kind: 'started', event: e, input: c.decoded(e.attrs.input, e, 'workflow input') }); return;
    case 'ActivityTaskScheduled': c.scheduled(e); return;
    case 'ActivityTaskStarted': c.started(e); return;
    case 'ActivityTaskCompleted': c.closed(e, 'Completed'); return;
    case 'ActivityTaskFailed': c.closed(e, 'Failed'); return;
    case 'ActivityTaskTimedOut': c.closed(e, 'TimedOut'); return;
    case 'ActivityTaskCanceled': c.closed(e, 'Canceled'); return;
    case 'WorkflowExecutionSignaled':
      c.note(e, str(e.attrs.signalName));
      c.emit({ kind: 'signal', event: e, name: str(e.attrs.signalName), payload: signalPayload(c, e) });
      return;
    case 'MarkerRecorded':
      if (str(e.attrs.markerName) === LOCAL_ACTIVITY_MARKER) c.localActivity(e);
      return;
    case 'WorkflowExecutionCancelRequested': c.emit({ kind: 'cancel-requested', event: e, cause: str(e.attrs.cause) || undefined }); return;
  }
  const status = CLOSE_STATUS[e.type];
  if (status) {
    const result = e.type === 'WorkflowExecutionCompleted' ? c.decoded(e.attrs.result, e, 'workflow result') : undefined;
    const failure = e.attrs.failure ? failureMessage(e.attrs.failure) : str(e.attrs.reason) || undefined;
    if (failure) c.note(e, failure);
    c.emit({ kind: 'closed', event: e, status, ...(result !== undefined ? { result } : {}), ...(failure ? { failure } : {}) });
    return;
  }
  if (!QUIET.has(e.type)) c.unrecognised.push({ eventId: e.id, type: e.type, message: `event type \`${e.type}\` is not part of the governed path` });
}

/**
 * Group normalised events into facts, handing each to `onFact` in history order (the order a list of
 * all facts would have) as soon as it is complete; returns what could not be read and the content the
 * history digest binds.
 */
export function collectFacts(events: readonly NormalEvent[], onFact: (f: Fact) => void): Facts {
  const c = new Collector(onFact);
  for (const e of events) handle(c, e);
  c.pending();
  return { unrecognised: c.unrecognised, content: c.content };
}
