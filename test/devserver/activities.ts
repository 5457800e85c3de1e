/**
 * @module Activities driven by the devserver conformance suite. Each call records what it saw in an
 * ActivityLog, so tests can assert attempt numbers, timing and cancellation from the worker's side.
 */
import { ApplicationFailure, CancelledFailure, CompleteAsyncError, Context } from '@temporalio/activity';

export interface AttemptRecord {
  key: string;
  attempt: number;
  at: number;
  note: string;
}

/** Collects one record per activity attempt (and per notable moment) for later assertions. */
export class ActivityLog {
  readonly records: AttemptRecord[] = [];

  add(key: string, note: string): void {
    this.records.push({ key, attempt: Context.current().info.attempt, at: Date.now(), note });
  }

  of(key: string): AttemptRecord[] {
    return this.records.filter((r) => r.key === key);
  }
}

/** Sleeps in the activity context, so a cancellation or worker shutdown ends the wait early. */
async function cancellableSleep(ms: number): Promise<void> {
  await Context.current().sleep(ms);
}

export function createActivities(log: ActivityLog) {
  return {
    async echo(key: string, value: string): Promise<string> {
      log.add(key, 'run');
      return value;
    },

    /** Fails with a retryable error until `succeedOn`, then returns the attempt number. */
    async failUntilAttempt(key: string, succeedOn: number): Promise<number> {
      log.add(key, 'run');
      const { attempt } = Context.current().info;
      if (attempt < succeedOn) {
        throw ApplicationFailure.retryable(`attempt ${attempt} failed`, 'Flaky');
      }
      return attempt;
    },

    async failWith(key: string, type: string, nonRetryable: boolean): Promise<never> {
      log.add(key, 'run');
      throw ApplicationFailure.create({ message: `failed with ${type}`, type, nonRetryable });
    },

    /** Attempt 1 heartbeats then fails; later attempts return the heartbeat details they were given. */
    async heartbeatThenFail(key: string): Promise<unknown> {
      log.add(key, 'run');
      const ctx = Context.current();
      if (ctx.info.attempt === 1) {
        ctx.heartbeat({ progress: 42 });
        throw ApplicationFailure.retryable('first attempt fails after a heartbeat', 'Flaky');
      }
      return ctx.info.heartbeatDetails ?? null;
    },

    /**
     * Attempt 1 heartbeats once and then goes silent, so only a heartbeat timeout can end it; later
     * attempts return the heartbeat details they were given.
     */
    async heartbeatOnceThenStall(key: string, stallMs: number): Promise<unknown> {
      log.add(key, 'run');
      const ctx = Context.current();
      if (ctx.info.attempt > 1) return ctx.info.heartbeatDetails ?? null;
      ctx.heartbeat({ stage: 'stalled' });
      await cancellableSleep(stallMs);
      return 'stall ended';
    },

    async sleepFor(key: string, ms: number): Promise<string> {
      log.add(key, 'run');
      await cancellableSleep(ms);
      return `slept ${ms}`;
    },

    /** Hands completion to someone else (the test, through the client's async-completion API). */
    async completeLater(key: string): Promise<string> {
      log.add(key, 'run');
      throw new CompleteAsyncError();
    },

    /** Heartbeats every 100 ms until the server reports a cancellation request. */
    async heartbeatUntilCancelled(key: string): Promise<string> {
      log.add(key, 'run');
      const ctx = Context.current();
      try {
        for (let beat = 1; ; beat++) {
          ctx.heartbeat({ beat });
          await cancellableSleep(100);
        }
      } catch (err) {
        if (err instanceof CancelledFailure) log.add(key, 'cancelled');
        throw err;
      }
    },
  };
}

export type ConformanceActivities = ReturnType<typeof createActivities>;
