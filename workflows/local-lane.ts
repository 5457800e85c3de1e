/**
 * @module A lane for local activities: each call starts when the one before it has settled, in the
 * order they were asked for (see LOCAL_ACTIVITIES_IN_ORDER_PATCH in governed-task.ts for why).
 * Promise chaining is deterministic, and a call started later still runs in the cancellation scope
 * it was asked from (the workflow's scope lives in AsyncLocalStorage, which `then` carries along).
 */
export class LocalLane {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(call: () => Promise<T>): Promise<T> {
    // why both handlers: a failed call must not stop the ones queued behind it.
    const next = this.tail.then(call, call);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
