/**
 * @module History events grouped into facts: one per activity call (scheduled + started + closed),
 * signal, cancellation request, start and close. Events that carry no governance meaning (workflow
 * tasks, timers, markers, search attributes) are counted but produce no fact; anything else is
 * listed as unrecognised, so that a foreign history yields what it can and says what it skipped.
 */
import { decodePayload, decodePayloadData, encodingName, payloadList, type Decoded } from '../history/payloads.js';
import { HistoryDigest, PayloadBytes } from './digest.js';
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
 * Decode a payload and note it for the digest. Its data bytes (base64 in history JSON) are read once,
 * straight into the digest, and decoded from there.
 */
function decodeAndNote(c: Collector, p: unknown, parseJson?: (text: string) => unknown): Decoded {
  if (p === null || typeof p !== 'object') {
    c.note(null);
    return decodePayload(p);
  }
  const payload = p as { metadata?: { encoding?: unknown }; data?: unknown };
  const data = c.digest.payloadData(payload.data);
  c.note(new PayloadBytes(encodingName(payload.metadata?.encoding) ?? '', data?.byteLength ?? 0));
  return decodePayloadData(p as Record<string, unknown>, data, parseJson);
}

const JSON_NAT = '(?:0|[1-9]\\d*)';
const JSON_TIME = `(?:null|\\{"seconds":${JSON_NAT},"nanos":${JSON_NAT}\\})`;
// why no escapes or control characters: the text between the quotes is then exactly the string's value.
const JSON_PLAIN_STRING = '"([^"\\\\\\u0000-\\u001f]*)"';
/** The local activity marker data exactly as the SDK core writes it (fields in this order, no escapes). */
const MARKER_DATA = new RegExp(
  `^\\{"seq":${JSON_NAT},"attempt":(${JSON_NAT}),"activity_id":${JSON_PLAIN_STRING},"activity_type":${JSON_PLAIN_STRING},` +
  `"complete_time":${JSON_TIME},"backoff":${JSON_TIME},"original_schedule_time":${JSON_TIME}\\}$`,
);

/**
 * The fields of a local activity marker's data that the record reads. why: one such small JSON per
 * governance call, whose objects all die at once; text of the core's exact shape is valid JSON whose
 * fields are read here without building it; any other text is parsed.
 */
export function readMarkerData(text: string): unknown {
  const m = MARKER_DATA.exec(text);
  if (m === null) return JSON.parse(text);
  return { attempt: Number(m[1]), activity_id: m[2], activity_type: m[3] };
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
  /** The history digest (digest.ts) over every event and the content the record reads from it. */
  historyDigest: string;
}

class Collector {
  readonly unrecognised: Unrecognised[] = [];
  readonly digest = new HistoryDigest();
  /** What the event being handled contributed that the record reads (payloads, attempt, failure text): the content the digest binds. */
  private readonly items: unknown[] = [];
  private readonly calls = new Map<number, ActivityCall>();

  /** `emit` receives each fact as soon as it is complete, so decoded payloads no handler keeps die young. */
  constructor(readonly emit: (f: Fact) => void) {}

  note(v: unknown): void {
    this.items.push(v ?? null);
  }

  /** Hash the event just handled with what it contributed, then forget both. */
  digestEvent(e: NormalEvent): void {
    this.digest.event(e.id, e.type, e.at, this.items);
    this.items.length = 0;
  }

  decoded(v: unknown, e: NormalEvent, what: string, parseJson?: (text: string) => unknown): unknown {
    const list = payloadList(v);
    if (list.length === 0) {
      this.note(null);
      return undefined;
    }
    const d = decodeAndNote(this, list[0], parseJson);
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
    this.note(call.attempt);
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
      this.note(call.failure);
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
    const data = this.decoded(details.data, e, 'local activity marker data', readMarkerData) as { activity_type?: unknown; activity_id?: unknown; attempt?: unknown } | undefined;
    const name = str(data?.activity_type);
    if (!name) return void this.unrecognised.push({ eventId: e.id, type: e.type, message: 'local activity marker without an activity type' });
    const call: ActivityCall = { name, activityId: str(data?.activity_id), scheduled: e, started: e, closed: e, attempt: toNumber(data?.attempt) ?? 1, input: undefined };
    if (e.attrs.failure) {
      call.closeType = 'Failed';
      call.failure = failureMessage(e.attrs.failure);
      this.note(call.failure);
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
  const d = decodeAndNote(c, list[0]);
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
      c.note(str(e.attrs.signalName));
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
    if (failure) c.note(failure);
    c.emit({ kind: 'closed', event: e, status, ...(result !== undefined ? { result } : {}), ...(failure ? { failure } : {}) });
    return;
  }
  if (!QUIET.has(e.type)) c.unrecognised.push({ eventId: e.id, type: e.type, message: `event type \`${e.type}\` is not part of the governed path` });
}

/**
 * Group normalised events into facts, handing each to `onFact` in history order (the order a list of
 * all facts would have) as soon as it is complete; returns what could not be read and the history digest.
 */
export function collectFacts(events: readonly NormalEvent[], onFact: (f: Fact) => void): Facts {
  const c = new Collector(onFact);
  for (const e of events) {
    handle(c, e);
    c.digestEvent(e);
  }
  c.pending();
  return { unrecognised: c.unrecognised, historyDigest: c.digest.hex() };
}
