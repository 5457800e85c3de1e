/**
 * @module The service core: runs, task queues, and the unit of work. Every state change happens in
 * `mutate(fn)`: `fn` runs synchronously, then one store commit persists every run it touched and
 * every event it appended, and only then are tasks handed out, deadlines armed and waiters woken.
 * If `fn` throws, the runs it touched are restored, so a failed request leaves no trace.
 */
import { eventAttrKey, eventTypeName, ts, type Msg } from '../proto.js';
import { ServiceError, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import { Namespaces } from '../namespace.js';
import type { SearchAttributeType } from '../visibility/index.js';
import { TaskQueues, type QueueEntry } from './queues.js';
import { runKey, wfKey, type RunState } from './types.js';
import { Waiters } from './waiters.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Run {
  s: RunState;
  events: Msg[];
}

export interface EngineOptions {
  store: Store;
  namespaces: string[];
  searchAttributes: Record<string, SearchAttributeType>;
  logger: Logger;
  pollTimeoutMs: number;
  maxPayloadBytes: number;
}

interface Tx {
  touched: Map<Run, { s: string; eventsLen: number } | null>;
  events: { runKey: string; event: Msg; json: string }[];
  pushes: { key: string; entry: QueueEntry }[];
  meta: [string, string][];
  truncates: { runKey: string; fromEventId: number }[];
  effects: (() => void)[];
  later: (() => void)[];
}

export class Engine {
  readonly runs = new Map<string, Run>();
  /** workflow key -> run key of its current (latest) run */
  readonly current = new Map<string, string>();
  /** namespace/requestId -> run key, for start idempotency */
  readonly startRequests = new Map<string, string>();
  readonly namespaces: Namespaces;
  readonly queues: TaskQueues;
  readonly log: Logger;
  readonly maxPayloadBytes: number;
  private tx: Tx | null = null;
  private seq = 0;
  private taskId = Date.now();
  private readonly deadlineTimers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly historyWaiters = new Waiters();
  private readonly committed = new WeakMap<Run, string>();
  private closed = false;
  /** Set by the deadline module; fires every due deadline of a run. */
  onDeadline: (run: Run, now: number) => void = () => {};
  /** Set by the deadline module; earliest deadline of a run (0 = none). */
  nextDeadline: (run: Run) => number = () => 0;
  /** Set by the workflow-task module; turns a queue entry into a poll response. */
  deliver: (entry: QueueEntry, identity: string) => Msg | undefined = () => undefined;

  constructor(private readonly opts: EngineOptions) {
    this.log = opts.logger;
    this.maxPayloadBytes = opts.maxPayloadBytes;
    const loaded = opts.store.load();
    this.namespaces = new Namespaces(opts.namespaces, opts.searchAttributes, loaded.meta);
    this.queues = new TaskQueues((e, id) => this.deliver(e, id), opts.pollTimeoutMs);
    for (const s of loaded.runs) {
      const key = runKey(s.namespace, s.runId);
      this.indexRun({ s, events: loaded.events.get(key) ?? [] });
    }
  }

  now(): number {
    return Date.now();
  }

  nextSeq(): number {
    return ++this.seq;
  }

  private indexRun(run: Run): void {
    const s = run.s;
    const key = runKey(s.namespace, s.runId);
    this.runs.set(key, run);
    this.seq = Math.max(this.seq, s.seq);
    const wk = wfKey(s.namespace, s.workflowId);
    const cur = this.runs.get(this.current.get(wk) ?? '');
    if (!cur || cur.s.seq < s.seq) this.current.set(wk, key);
    if (s.startRequestId) this.startRequests.set(`${s.namespace}/${s.startRequestId}`, key);
  }

  /** Adds a new run inside the current unit of work. */
  addRun(run: Run): void {
    this.touch(run, true);
    this.indexRun(run);
  }

  getRun(ns: string, workflowId: string, runId?: string): Run {
    if (!workflowId) throw new ServiceError('INVALID_ARGUMENT', 'workflow id is not set');
    if (runId && !UUID.test(runId)) throw new ServiceError('INVALID_ARGUMENT', `run id \`${runId.slice(0, 64)}\` is not a valid UUID`);
    const key = runId ? runKey(ns, runId) : this.current.get(wfKey(ns, workflowId));
    const run = key ? this.runs.get(key) : undefined;
    if (!run || run.s.workflowId !== workflowId) {
      throw new ServiceError('NOT_FOUND', `workflow execution \`${workflowId}\`${runId ? ` run \`${runId}\`` : ''} is not found`, {
        typeName: 'temporal.api.errordetails.v1.NotFoundFailure',
        value: {},
      });
    }
    return run;
  }

  getRunByKey(key: string): Run | undefined {
    return this.runs.get(key);
  }

  getRunningRun(ns: string, workflowId: string, runId?: string): Run {
    const run = this.getRun(ns, workflowId, runId);
    if (run.s.status !== 'Running') throw notFound(`workflow execution \`${workflowId}\` already completed`);
    return run;
  }

  // --- unit of work -----------------------------------------------------------------------------

  mutate<T>(fn: () => T): T {
    if (this.tx) return fn();
    if (this.closed) throw new ServiceError('FAILED_PRECONDITION', 'server is shutting down');
    const tx: Tx = { touched: new Map(), events: [], pushes: [], meta: [], truncates: [], effects: [], later: [] };
    this.tx = tx;
    let result: T;
    try {
      result = fn();
      for (let next = tx.later.shift(); next; next = tx.later.shift()) next();
      const runs = [...tx.touched.keys()].map((r) => ({ key: runKey(r.s.namespace, r.s.runId), run: r, json: JSON.stringify(r.s) }));
      this.opts.store.commit({ runs, events: tx.events, meta: tx.meta, truncates: tx.truncates });
      // why: the committed JSON is exactly the state the next unit of work starts from, so it
      // doubles as that unit's rollback snapshot (one serialisation per run per request)
      for (const r of runs) this.committed.set(r.run, r.json);
    } catch (e) {
      this.tx = null;
      this.rollback(tx);
      throw e;
    }
    this.tx = null;
    this.afterCommit(tx);
    return result;
  }

  private rollback(tx: Tx): void {
    for (const [run, snap] of tx.touched) {
      if (snap === null) {
        const key = runKey(run.s.namespace, run.s.runId);
        this.runs.delete(key);
        if (this.current.get(wfKey(run.s.namespace, run.s.workflowId)) === key) this.current.delete(wfKey(run.s.namespace, run.s.workflowId));
        if (run.s.startRequestId) this.startRequests.delete(`${run.s.namespace}/${run.s.startRequestId}`);
        continue;
      }
      run.s = JSON.parse(snap.s) as RunState;
      run.events.length = snap.eventsLen;
    }
    // a rolled-back new run may have displaced the previous current run: restore it
    for (const run of this.runs.values()) this.indexRun(run);
  }

  private afterCommit(tx: Tx): void {
    const keys = new Set<string>();
    for (const p of tx.pushes) {
      this.queues.push(p.key, p.entry);
      keys.add(p.key);
    }
    for (const run of tx.touched.keys()) this.arm(run);
    for (const fx of tx.effects) {
      try {
        fx();
      } catch (e) {
        this.log.error({ err: e }, 'post-commit effect failed');
      }
    }
    for (const k of keys) this.queues.dispatch(k);
  }

  /** Marks a run as changed in this unit of work (snapshotting it for rollback). */
  touch(run: Run, isNew = false): void {
    const tx = this.requireTx();
    if (tx.touched.has(run)) return;
    tx.touched.set(run, isNew ? null : { s: this.committed.get(run) ?? JSON.stringify(run.s), eventsLen: run.events.length });
    this.effect(() => this.historyWaiters.wake(runKey(run.s.namespace, run.s.runId)));
  }

  private requireTx(): Tx {
    if (!this.tx) throw new Error('state change outside a unit of work');
    return this.tx;
  }

  /** Runs `fn` at the end of this unit of work, before the commit (cross-run consequences). */
  later(fn: () => void): void {
    this.requireTx().later.push(fn);
  }

  effect(fn: () => void): void {
    this.requireTx().effects.push(fn);
  }

  enqueue(ns: string, kind: 'wf' | 'act', queue: string, entry: QueueEntry): void {
    this.requireTx().pushes.push({ key: TaskQueues.key(ns, kind, queue), entry });
  }

  putMeta(k: string, v: string): void {
    this.requireTx().meta.push([k, v]);
  }

  /** Appends one event to a run's history and returns its id. */
  append(run: Run, type: string, attrs: Msg): number {
    this.touch(run);
    const s = run.s;
    const id = s.nextEventId++;
    const event: Msg = { eventId: id, eventTime: ts(this.now()), eventType: eventTypeName(type), taskId: ++this.taskId, [eventAttrKey(type)]: attrs };
    // why one serialisation: its length is the size estimate and the store writes the same string
    const json = JSON.stringify(event);
    s.historySizeBytes += json.length;
    run.events.push(event);
    this.requireTx().events.push({ runKey: runKey(s.namespace, s.runId), event, json });
    return id;
  }

  /** Removes events from `fromEventId` on (a discarded speculative workflow task). */
  truncate(run: Run, fromEventId: number): void {
    this.touch(run);
    const tx = this.requireTx();
    const key = runKey(run.s.namespace, run.s.runId);
    run.events.length = fromEventId - 1;
    run.s.nextEventId = fromEventId;
    tx.events = tx.events.filter((e) => e.runKey !== key || Number(e.event.eventId) < fromEventId);
    tx.truncates.push({ runKey: key, fromEventId });
  }

  // --- deadlines --------------------------------------------------------------------------------

  /** (Re)arms the single timer of a run at its earliest deadline. */
  arm(run: Run): void {
    const key = runKey(run.s.namespace, run.s.runId);
    const at = this.closed ? 0 : this.nextDeadline(run);
    const cur = this.deadlineTimers.get(key);
    if (cur && cur.at === at) return;
    if (cur) clearTimeout(cur.timer);
    if (!at) {
      this.deadlineTimers.delete(key);
      return;
    }
    // why: setTimeout overflows above 2^31-1 ms; a far deadline simply re-arms when the timer fires
    const delay = Math.min(Math.max(0, at - this.now()), 2_000_000_000);
    const timer = setTimeout(() => this.fire(key), delay);
    timer.unref?.();
    this.deadlineTimers.set(key, { at, timer });
  }

  private fire(key: string): void {
    this.deadlineTimers.delete(key);
    const run = this.runs.get(key);
    if (!run) return;
    try {
      this.mutate(() => {
        this.touch(run);
        this.onDeadline(run, this.now());
      });
    } catch (e) {
      // why: the run was rolled back, so its deadline is still due; retry later, not in a tight loop
      this.log.error({ err: e, run: key }, 'deadline handling failed');
      const timer = setTimeout(() => this.fire(key), 1000);
      timer.unref?.();
      this.deadlineTimers.set(key, { at: this.now() + 1000, timer });
    }
  }

  /** Arms every run's deadlines and re-queues scheduled tasks after a restart. */
  resume(requeue: (run: Run) => void): void {
    this.mutate(() => {
      // namespace ids and custom search attributes outlive restarts
      for (const ns of this.namespaces.all()) this.putMeta(...Namespaces.metaRow(ns));
      for (const run of this.runs.values()) requeue(run);
    });
    for (const run of this.runs.values()) this.arm(run);
  }

  /** Calls `cb` once after the next commit that touches the run (history long polls). */
  waitHistory(key: string, cb: () => void): () => void {
    return this.historyWaiters.add(key, cb);
  }

  close(): void {
    this.closed = true;
    for (const t of this.deadlineTimers.values()) clearTimeout(t.timer);
    this.deadlineTimers.clear();
    this.queues.releaseAll();
    this.historyWaiters.wakeAll();
    this.opts.store.close();
  }
}
