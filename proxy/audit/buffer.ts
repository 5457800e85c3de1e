/**
 * @module The proxy's audit buffer: append-only JSONL in the data dir, one hash-chained record per
 * line (`{ seq, prevHash, hash, event }`, chainHash from governance/audit). An append is written to
 * the file (the kernel) before it resolves, so a crash of the proxy loses nothing; fsync runs in the
 * background, one at a time, covering every record written before it (group commit). why not fsync
 * per call: a flush costs ~3 ms on ordinary disks, triple the proxy's latency budget; the window
 * left open is a power or kernel failure within one flush. `sync: 'always'` closes it at that cost.
 * Shipping to the API reads the file; it never rewrites it.
 */
import { mkdirSync, openSync, readFileSync, writeSync, fsyncSync, closeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { GENESIS_HASH, buildAuditEvent, chainHash, verifyChain, type AuditEvent, type AuditEventInput, type ChainedEvent } from '../../governance/audit/index.js';
import { InterceptorError } from '../../lib/errors.js';

export const AUDIT_FILE = 'audit.jsonl';

export interface ChainedAuditRecord extends ChainedEvent {
  event: AuditEvent;
}

export interface AuditBuffer {
  /** Build (validate, redact) the event, chain it and write it. Rejects when the disk write fails. */
  append(input: AuditEventInput): Promise<ChainedAuditRecord>;
  /** Resolves when everything appended so far is fsynced. */
  flush(): Promise<void>;
  /** Every record in the file, in order. */
  readAll(): ChainedAuditRecord[];
  close(): void;
}

/** Open (or create) the buffer; throws INTERNAL when the existing file's chain is broken (fail closed). */
export interface AuditBufferOptions {
  /** `batched` (default): fsync in the background; `always`: an append resolves only after its fsync. */
  sync?: 'batched' | 'always';
}

export function openAuditBuffer(dataDir: string, opts: AuditBufferOptions = {}): AuditBuffer {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, AUDIT_FILE);
  const existing = existsSync(path) ? readRecords(path) : [];
  const broken = verifyChain(existing);
  if (broken) throw new InterceptorError('INTERNAL', `audit buffer \`${path}\` has a broken hash chain at record ${broken.index + 1}: ${broken.code}`);
  const last = existing.at(-1);
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const fd = openSync(path, 'a', 0o600);
  let written = 0;
  let synced = 0;
  let syncing: Promise<void> | null = null;
  let failure: unknown = null;
  let closed = false;
  const waiters: Array<{ upTo: number; resolve: () => void; reject: (e: unknown) => void }> = [];
  const settle = (): void => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (failure) w.reject(failure);
      else if (w.upTo <= synced) w.resolve();
      else continue;
      waiters.splice(i, 1);
    }
  };
  const sync = (): Promise<void> => {
    if (syncing) return syncing;
    syncing = new Promise<void>((resolve) => {
      setImmediate(() => {
        if (closed) {
          syncing = null;
          return resolve();
        }
        const upTo = written;
        try {
          fsyncSync(fd);
          synced = upTo;
        } catch (e) {
          failure = e;
        }
        syncing = null;
        settle();
        if (synced < written && !failure) void sync();
        resolve();
      });
    });
    return syncing;
  };
  const until = (upTo: number): Promise<void> => new Promise((resolve, reject) => {
    waiters.push({ upTo, resolve, reject });
    settle();
    void sync();
  });
  return {
    async append(input) {
      if (failure) throw failure;
      const event = buildAuditEvent(input);
      const record: ChainedAuditRecord = { seq: seq + 1, prevHash, hash: chainHash(prevHash, seq + 1, event), event };
      // INVARIANT: the chain advances only once the line is in the file.
      writeSync(fd, `${JSON.stringify(record)}\n`);
      seq = record.seq;
      prevHash = record.hash;
      written = seq;
      if (opts.sync === 'always') await until(seq);
      else void sync();
      return record;
    },
    flush: () => until(written),
    readAll: () => readRecords(path),
    close() {
      if (closed) return;
      closed = true;
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
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
