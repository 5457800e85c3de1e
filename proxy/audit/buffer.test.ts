import { spawn } from 'node:child_process';
import { fdatasync, fdatasyncSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyChain, type AuditEventInput } from '../../governance/audit/index.js';
import { openAuditBuffer } from './buffer.js';

const dir = () => mkdtempSync(join(tmpdir(), 'proxy-audit-'));
const input = (n: number): AuditEventInput => ({ tenant: 'acme', type: 'proxy.call', actor: { kind: 'agent', id: 'a' }, at: new Date().toISOString(), data: { n } });

/** A flush the test completes by hand; `calls` counts the flushes started. */
function heldFlush() {
  const pending: Array<(err: NodeJS.ErrnoException | null) => void> = [];
  return {
    pending,
    fdatasync: (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => {
      pending.push((err) => (err ? done(err) : fdatasync(fd, done)));
    },
    release(err: NodeJS.ErrnoException | null = null) {
      pending.shift()!(err);
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
const state = (p: Promise<unknown>) => Promise.race([p.then(() => 'resolved', () => 'rejected'), tick().then(() => 'pending')]);

describe('audit buffer group commit', () => {
  it('flushes on this thread when one append waits, on the pool when none or several do; a failed flush here fails closed', async () => {
    const flush = heldFlush();
    let here = 0;
    let failHere = false;
    const b = openAuditBuffer(dir(), {
      fdatasync: flush.fdatasync,
      fdatasyncSync: (fd) => {
        here++;
        if (failHere) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
        fdatasyncSync(fd);
      },
      lazyFlushMs: 1,
    });
    // one caller waiting: flushed on this thread, no pool round trip
    expect((await b.append(input(1))).seq).toBe(1);
    expect([here, flush.pending.length]).toEqual([1, 0]);
    // several arriving in the same turn: one shared flush on the pool
    const together = [b.append(input(2)), b.append(input(3))];
    await tick();
    expect([here, flush.pending.length]).toEqual([1, 1]);
    flush.release();
    expect((await Promise.all(together)).map((r) => r.seq)).toEqual([2, 3]);
    // nobody waiting (a `written` record's lazy flush): the pool
    await b.append(input(4), { wait: 'written' });
    await new Promise((r) => setTimeout(r, 20));
    expect([here, flush.pending.length]).toEqual([1, 1]);
    // several waiting while that flush runs: they share one flush on the pool
    const several = [b.append(input(5)), b.append(input(6)), b.append(input(7))];
    flush.release();
    await tick();
    expect([here, flush.pending.length]).toEqual([1, 1]);
    flush.release();
    expect((await Promise.all(several)).map((r) => r.seq)).toEqual([5, 6, 7]);
    failHere = true;
    await expect(b.append(input(8))).rejects.toThrow(/could not be flushed to disk: EIO/);
    await expect(b.append(input(9))).rejects.toThrow(/could not be flushed/);
    expect(b.readAll().map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    b.close();
  });

  it('sends lone flushes to the pool once flushing on this thread has become slow (a slow disk must not stall the event loop)', async () => {
    const flush = heldFlush();
    let here = 0;
    const b = openAuditBuffer(dir(), {
      fdatasync: flush.fdatasync,
      fdatasyncSync: (fd) => {
        here++;
        const until = performance.now() + 10;
        while (performance.now() < until); // a 10 ms disk
        fdatasyncSync(fd);
      },
    });
    await b.append(input(1));
    expect([here, flush.pending.length]).toEqual([1, 0]);
    const second = b.append(input(2));
    await tick();
    expect([here, flush.pending.length]).toEqual([1, 1]);
    flush.release();
    expect((await second).seq).toBe(2);
    b.close();
  });

  it('keeps lone flushes on this thread when one flush among fast ones was slow (a spike, not a slow disk)', async () => {
    let here = 0;
    let onPool = 0;
    const b = openAuditBuffer(dir(), {
      fdatasync: (fd, done) => {
        onPool++;
        fdatasync(fd, done);
      },
      fdatasyncSync: (fd) => {
        here++;
        const until = performance.now() + (here === 3 ? 10 : 0);
        while (performance.now() < until); // the third flush takes 10 ms
        fdatasyncSync(fd);
      },
    });
    for (let i = 1; i <= 6; i++) await b.append(input(i));
    expect([here, onPool]).toEqual([6, 0]);
    b.close();
  });

  it('reports the records already in the file once at open', () => {
    const d = dir();
    const first = openAuditBuffer(d, { sync: 'batched' });
    void first.append(input(1));
    void first.append(input(2));
    first.close();
    const seen: number[][] = [];
    openAuditBuffer(d, { onOpen: (records) => seen.push(records.map((r) => r.seq)) }).close();
    expect(seen).toEqual([[1, 2]]);
  });

  it('resolves an append only after a flush that started after its line was written; appends during a flush share the next one', async () => {
    const flush = heldFlush();
    const b = openAuditBuffer(dir(), { fdatasync: flush.fdatasync });
    const a = b.append(input(1));
    expect(await state(a)).toBe('pending');
    expect(flush.pending).toHaveLength(1);
    const later = [b.append(input(2)), b.append(input(3)), b.append(input(4))];
    // written while the first flush runs: that flush does not cover them
    flush.release();
    await a;
    expect(await state(Promise.all(later))).toBe('pending');
    expect(flush.pending).toHaveLength(1);
    flush.release();
    expect((await Promise.all(later)).map((r) => r.seq)).toEqual([2, 3, 4]);
    expect(flush.pending).toHaveLength(0);
    expect(verifyChain(b.readAll())).toBeNull();
    b.close();
  });

  it('takes a `written` record at once, flushes it with the next durable append, or on its own shortly after', async () => {
    const flush = heldFlush();
    const b = openAuditBuffer(dir(), { fdatasync: flush.fdatasync, lazyFlushMs: 50 });
    expect((await b.append(input(1), { wait: 'written' })).seq).toBe(1);
    expect(flush.pending).toHaveLength(0);
    const durable = b.append(input(2));
    expect(flush.pending).toHaveLength(1);
    flush.release();
    await durable;
    // one flush covered both lines
    expect(flush.pending).toHaveLength(0);
    await b.append(input(3), { wait: 'written' });
    const all = b.flush();
    expect(await state(all)).toBe('pending');
    flush.release();
    await all;
    await b.append(input(4), { wait: 'written' });
    await new Promise((r) => setTimeout(r, 80));
    expect(flush.pending).toHaveLength(1);
    flush.release();
    await b.flush();
    b.close();
  });

  it('fails closed: a failed flush rejects the waiting appends and every later one', async () => {
    const flush = heldFlush();
    const b = openAuditBuffer(dir(), { fdatasync: flush.fdatasync });
    const a = b.append(input(1));
    const c = b.append(input(2));
    flush.release(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    await expect(a).rejects.toThrow(/could not be flushed/);
    await expect(c).rejects.toThrow(/could not be flushed/);
    await expect(b.append(input(3))).rejects.toThrow(/could not be flushed/);
    await expect(b.append(input(4), { wait: 'written' })).rejects.toThrow(/could not be flushed/);
    b.close();
  });

  it('close flushes what is written and releases appends waiting for a flush', async () => {
    const flush = heldFlush();
    const d = dir();
    const b = openAuditBuffer(d, { fdatasync: flush.fdatasync });
    const a = b.append(input(1));
    b.close();
    await expect(a).resolves.toMatchObject({ seq: 1 });
    await expect(b.append(input(2))).rejects.toThrow(/closed/);
    const again = openAuditBuffer(d);
    expect(again.readAll().map((r) => r.seq)).toEqual([1]);
    again.close();
  });

  it('keeps every acknowledged record, chain intact, when the writer is killed mid-stream', async () => {
    const d = dir();
    const writer = fileURLToPath(new URL('../../test/proxy/fixtures/audit-crash-writer.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', writer, d], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: number[] = [];
    let buf = '';
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`the writer exited: ${code}`))));
      child.stdout!.on('data', (chunk: Buffer) => {
        buf += chunk.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        acked.push(...lines.map(Number));
        if (acked.length >= 400) child.kill('SIGKILL');
      });
    });
    const b = openAuditBuffer(d);
    const records = b.readAll();
    b.close();
    expect(verifyChain(records)).toBeNull();
    const seqs = new Set(records.map((r) => r.seq));
    expect(acked.every((s) => seqs.has(s))).toBe(true);
    expect(records.length).toBeGreaterThanOrEqual(Math.max(...acked));
  }, 60_000);
});
