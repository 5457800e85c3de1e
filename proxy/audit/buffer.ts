/**
 * @module The proxy's audit buffer: append-only JSONL in the data dir, one hash-chained record per
 * line (`{ seq, prevHash, hash, event }`, chainHash from governance/audit). An append writes its line
 * to the file (the kernel) before it returns, so a crash of the proxy process loses nothing, and by
 * default it resolves only once the line is on disk (fdatasync).
 *
 * Group commit: flushes run one at a time; each covers every line written before it started, and
 * every append that arrives while one runs waits for the next, so concurrent calls share one flush
 * instead of queueing for one each. An append that finds no flush running starts one after the
 * event loop's current turn, so appends already on their way join it; if it is still the only one
 * waiting then, the flush runs on this thread (fdatasyncSync), otherwise on libuv's thread pool, so
 * the event loop keeps serving the other callers meanwhile (a lone flush also goes to the pool while
 * the median of the last few flushes is over 1 ms: a slow disk must not stall the event loop).
 * why: handing a flush to the pool costs two cross-thread wake-ups, which on a VM cost as much as
 * the flush itself (about 0.3 ms of a proxied call's 1.6 ms on a 2-core VM) while a lone caller has
 * nothing else to do. why
 * this is still durable: an append resolves only after a flush that started after its line was
 * written has completed, and a flush of the file descriptor covers every byte written to it before
 * the flush began; a failed flush fails every waiting and every later append (fail closed: the
 * kernel may have dropped the unflushed pages, so nothing after them can be trusted to be on disk).
 *
 * `wait: 'written'` lets a caller take the record once it is in the kernel, with its flush left to
 * the next durable append (or to a flush started `lazyFlushMs` later): the proxy writes the
 * decision of an allowed call that way before calling the upstream, and waits for the outcome
 * record's flush, which covers both, before it returns the result. why: one flush per call instead
 * of two in a row, when a flush costs more than the proxy's whole per-call budget on some disks.
 * `sync: 'batched'` never waits for a flush (the window left open is a power or kernel failure
 * within one flush). Shipping to the API reads the file; it never rewrites it.
 */
import { mkdirSync, openSync, readFileSync, writeSync, fdatasync, fdatasyncSync, closeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { GENESIS_HASH, buildAuditEvent, chainHash, verifyChain, type AuditEvent, type AuditEventInput, type ChainedEvent } from '../../governance/audit/index.js';
import { InterceptorError } from '../../lib/errors.js';

export const AUDIT_FILE = 'audit.jsonl';
/** A lone flush runs on the event loop's thread only while flushes there take at most this long. */
const LONE_FLUSH_HERE_MAX_MS = 1;
const LONE_FLUSH_RETRY = 64;
/** How many recent flushes the choice of thread looks at. */
const RECENT_FLUSHES = 9;

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

export interface ChainedAuditRecord extends ChainedEvent {
  event: AuditEvent;
}

export interface AppendOptions {
  /**
   * `durable` (default): resolve once the record is on disk. `written`: resolve once it is in the
   * kernel; the caller must `flush()` (or make a durable append) before it relies on it being on disk.
   */
  wait?: 'durable' | 'written';
}

export interface AuditBuffer {
  /** Build (validate, redact) the event, chain it and write it. Rejects when the disk write or its flush fails. */
  append(input: AuditEventInput, opts?: AppendOptions): Promise<ChainedAuditRecord>;
  /** Resolves when everything appended so far is on disk. */
  flush(): Promise<void>;
  /** Every record in the file, in order. */
  readAll(): ChainedAuditRecord[];
  /** Flush synchronously and close the file; appends waiting for a flush resolve. */
  close(): void;
}

export interface AuditBufferOptions {
  /** `always` (default): a durable append resolves after its flush (group commit); `batched`: appends never wait for a flush. */
  sync?: 'batched' | 'always';
  /** How long a record written without waiting may stay unflushed before a flush is started for it; default 2 ms. */
  lazyFlushMs?: number;
  /** The flush on the thread pool (default fs.fdatasync); tests pass one they can hold or fail. */
  fdatasync?: (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;
  /**
   * The flush on this thread, for a flush one append waits for: default fs.fdatasyncSync, unless
   * `fdatasync` is given (then every flush goes through it, so a test holding it holds them all).
   */
  fdatasyncSync?: (fd: number) => void;
  /** Called once with the records already in the file (read at open anyway), e.g. to recount state from them. */
  onOpen?: (existing: readonly ChainedAuditRecord[]) => void;
}

/** Open (or create) the buffer; throws INTERNAL when the existing file's chain is broken (fail closed). */
export function openAuditBuffer(dataDir: string, opts: AuditBufferOptions = {}): AuditBuffer {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, AUDIT_FILE);
  const existing = existsSync(path) ? readRecords(path) : [];
  const broken = verifyChain(existing);
  if (broken) throw new InterceptorError('INTERNAL', `audit buffer \`${path}\` has a broken hash chain at record ${broken.index + 1}: ${broken.code}`);
  opts.onOpen?.(existing);
  const last = existing.at(-1);
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const fd = openSync(path, 'a', 0o600);
  const doSync = opts.fdatasync ?? fdatasync;
  const syncHere = opts.fdatasyncSync ?? (opts.fdatasync ? undefined : fdatasyncSync);
  const lazyMs = opts.lazyFlushMs ?? 2;
  const batched = opts.sync === 'batched';
  /** Sequence number of the last line written to the kernel, and of the last one known on disk. */
  let written = seq;
  let synced = seq;
  let flushing = false;
  let failure: unknown = null;
  let closed = false;
  let lazy: NodeJS.Timeout | undefined;
  let soon: NodeJS.Immediate | undefined;
  /**
   * What the last few flushes on this thread cost, and lone flushes sent to the pool since one last
   * ran here. why a median: one slow flush (a disk's rare spike) must not send lone flushes to the
   * pool, whose two thread wake-ups cost as much as the flush itself (an average did, for dozens of
   * calls after each spike: a third of all flushes in a benchmark run); a disk that is slow most
   * of the time still does.
   */
  const recentMs: number[] = [];
  let loneOnPool = 0;
  const noteFlushMs = (ms: number): void => {
    recentMs.push(ms);
    if (recentMs.length > RECENT_FLUSHES) recentMs.shift();
  };
  const flushesAreSlow = (): boolean => recentMs.length > 0 && median(recentMs) > LONE_FLUSH_HERE_MAX_MS;
  const waiters: Array<{ upTo: number; resolve: () => void; reject: (e: unknown) => void }> = [];
  const settle = (): void => {
    let keep = 0;
    for (const w of waiters) {
      if (failure) w.reject(failure);
      else if (w.upTo <= synced) w.resolve();
      else waiters[keep++] = w;
    }
    waiters.length = keep;
  };
  const requestFlush = (): void => {
    if (flushing || soon) return;
    if (!syncHere) return startFlush();
    soon = setImmediate(() => {
      soon = undefined;
      startFlush();
    });
  };
  const startFlush = (): void => {
    if (flushing || closed || failure || synced >= written) return;
    if (lazy) {
      clearTimeout(lazy);
      lazy = undefined;
    }
    // INVARIANT: upTo is read before the flush starts, so it only claims lines already written.
    const upTo = written;
    // why the cost check: on a slow disk (a network volume) a flush here would stall every other
    // caller; one in LONE_FLUSH_RETRY lone flushes still runs here, so a disk that got faster is noticed.
    if (syncHere && waiters.length === 1 && (!flushesAreSlow() || ++loneOnPool % LONE_FLUSH_RETRY === 0)) {
      let err: NodeJS.ErrnoException | null = null;
      const t0 = performance.now();
      try {
        syncHere(fd);
      } catch (e) {
        err = e as NodeJS.ErrnoException;
      }
      noteFlushMs(performance.now() - t0);
      flushed(err, upTo);
      return;
    }
    flushing = true;
    doSync(fd, (err) => {
      flushing = false;
      if (!closed) flushed(err, upTo);
    });
  };
  const flushed = (err: NodeJS.ErrnoException | null, upTo: number): void => {
    if (err) failure = new InterceptorError('INTERNAL', `audit buffer \`${path}\` could not be flushed to disk: ${err.message}`, { cause: err });
    else synced = Math.max(synced, upTo);
    settle();
    // Lines written during this flush: their waiters (group commit) or their lazy deadline.
    if (waiters.length > 0) startFlush();
    else if (synced < written) scheduleLazy();
  };
  const scheduleLazy = (): void => {
    if (lazy || flushing || closed) return;
    lazy = setTimeout(() => {
      lazy = undefined;
      startFlush();
    }, lazyMs);
    lazy.unref();
  };
  const until = (upTo: number): Promise<void> => {
    if (failure) return Promise.reject(failure);
    if (upTo <= synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      waiters.push({ upTo, resolve, reject });
      requestFlush();
    });
  };
  return {
    async append(input, appendOpts = {}) {
      if (failure) throw failure;
      if (closed) throw new InterceptorError('INTERNAL', `audit buffer \`${path}\` is closed`);
      const event = buildAuditEvent(input);
      const record: ChainedAuditRecord = { seq: seq + 1, prevHash, hash: chainHash(prevHash, seq + 1, event), event };
      // INVARIANT: the chain advances only once the whole line is in the file.
      const line = Buffer.from(`${JSON.stringify(record)}\n`);
      const n = writeSync(fd, line);
      if (n !== line.length) {
        // why fail closed: a part-written line (a full disk) breaks the file for every later reader
        failure = new InterceptorError('INTERNAL', `audit buffer \`${path}\` took ${n} of ${line.length} bytes (disk full?)`);
        settle();
        throw failure;
      }
      seq = record.seq;
      prevHash = record.hash;
      written = seq;
      if (batched || appendOpts.wait === 'written') scheduleLazy();
      else await until(seq);
      return record;
    },
    flush: () => until(written),
    readAll: () => readRecords(path),
    close() {
      if (closed) return;
      if (lazy) clearTimeout(lazy);
      if (soon) clearImmediate(soon);
      soon = undefined;
      try {
        fdatasyncSync(fd);
        synced = written;
      } catch (e) {
        failure ??= e;
      } finally {
        closed = true;
        closeSync(fd);
        settle();
      }
    },
  };
}

function readRecords(path: string): ChainedAuditRecord[] {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  return lines.map((l, i) => {
    try {
      return JSON.parse(l) as ChainedAuditRecord;
    } catch (cause) {
      throw new InterceptorError('INTERNAL', `audit buffer \`${path}\` line ${i + 1} is not valid JSON`, { cause });
    }
  });
}
