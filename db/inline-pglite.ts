/**
 * @module The embedded PGlite served in this thread: `pg` talks the Postgres wire protocol to it
 * through an in-memory stream instead of a TCP socket to a worker thread.
 *
 * why: every query over the socket paid a socket write on each side and a wake-up of the other
 * thread; on a 2-core VM that was about a third of the CPU a governed task cost (~60 round trips a
 * task). In this thread a round trip is a function call; PGlite's own work (WASM, a fraction of a
 * millisecond for a prepared statement) runs on the event loop, which the API and the worker share.
 */
import { Duplex } from 'node:stream';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST_CODE = 80877103;
const CANCEL_REQUEST_CODE = 80877102;
const PROTOCOL_3 = 196608;
/** Terminate ('X'): the client is leaving; PGlite has no backend to end, so it is not forwarded. */
const TERMINATE = 0x58;

interface Turn {
  conn: InlinePgSocket;
  run: () => Promise<void>;
}

/**
 * Gives PGlite (one session) to one connection at a time: each turn runs everything a connection
 * wrote in one go (pg writes a whole Parse/Bind/Execute/Sync exchange at once), and a connection
 * that leaves PGlite inside a transaction keeps it until the transaction ends or the connection does.
 */
class SessionQueue {
  private readonly turns: Turn[] = [];
  private owner: InlinePgSocket | null = null;
  private running = false;

  constructor(readonly db: PGlite) {}

  take(conn: InlinePgSocket, run: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.turns.push({ conn, run: () => run().then(resolve, reject) });
      void this.pump();
    });
  }

  /** The connection is gone: undo its open transaction and let the others in. */
  async leave(conn: InlinePgSocket): Promise<void> {
    for (let i = this.turns.length - 1; i >= 0; i--) if (this.turns[i]!.conn === conn) this.turns.splice(i, 1);
    if (this.owner !== conn) return;
    await this.take(conn, async () => {
      if (!this.db.closed && this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => undefined);
    });
    this.owner = null;
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const i = this.owner ? this.turns.findIndex((t) => t.conn === this.owner) : 0;
        if (i < 0 || this.turns.length === 0) return;
        const [turn] = this.turns.splice(i, 1);
        await turn!.run();
        this.owner = !this.db.closed && this.db.isInTransaction() ? turn!.conn : null;
      }
    } finally {
      this.running = false;
    }
  }
}

/**
 * The client end of one connection: what `pg` writes is split into wire messages and run on PGlite;
 * PGlite's answers are pushed back as if read from a socket.
 */
export class InlinePgSocket extends Duplex {
  private pending: Buffer = Buffer.alloc(0);
  private started = false;

  constructor(private readonly queue: SessionQueue) {
    super();
  }

  // pg drives a net.Socket: these are the parts of its interface it uses.
  connect(): this {
    process.nextTick(() => this.emit('connect'));
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages = this.completeMessages();
    if (messages.length === 0) return done();
    this.queue.take(this, () => this.exec(messages)).then(() => done(), (e: Error) => done(e));
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, done: (e?: Error | null) => void): void {
    this._write(Buffer.concat(chunks.map((c) => c.chunk)), 'binary', done);
  }

  override _final(done: (e?: Error | null) => void): void {
    void this.queue.leave(this).then(() => {
      this.push(null);
      done();
    }, done);
  }

  override _destroy(err: Error | null, done: (e?: Error | null) => void): void {
    void this.queue.leave(this).finally(() => done(err));
  }

  /** Splits off the complete wire messages written so far; answers SSLRequest itself and drops CancelRequest. */
  private completeMessages(): Buffer[] {
    const out: Buffer[] = [];
    for (;;) {
      const buf = this.pending;
      if (!this.started) {
        if (buf.length < 8 || buf.length < buf.readInt32BE(0)) return out;
        const len = buf.readInt32BE(0);
        const code = buf.readInt32BE(4);
        this.pending = buf.subarray(len);
        if (code === SSL_REQUEST_CODE) this.push(Buffer.from('N'));
        else if (code !== CANCEL_REQUEST_CODE) {
          if (code === PROTOCOL_3) this.started = true;
          out.push(buf.subarray(0, len));
        }
        continue;
      }
      if (buf.length < 5 || buf.length < 1 + buf.readInt32BE(1)) return out;
      const len = 1 + buf.readInt32BE(1);
      this.pending = buf.subarray(len);
      if (buf[0] !== TERMINATE) out.push(buf.subarray(0, len));
    }
  }

  private async exec(messages: Buffer[]): Promise<void> {
    const out: Buffer[] = [];
    const onRawData = (d: Uint8Array) => out.push(Buffer.from(d));
    // why one call for the rest: PGlite runs its main loop until the input is consumed, so a whole
    // Bind/Execute/Sync exchange costs one call into WASM (and one file-system sync) instead of one per message.
    const first = messages[0]!;
    const rest = first[0] === 0 ? messages.slice(1) : messages;
    if (rest !== messages) await this.queue.db.execProtocolRawStream(new Uint8Array(first), { onRawData });
    if (rest.length) await this.queue.db.execProtocolRawStream(new Uint8Array(Buffer.concat(rest)), { onRawData });
    if (out.length) this.push(out.length === 1 ? out[0] : Buffer.concat(out));
  }
}

/** A `pg` stream factory: each call opens one more connection to `db`. */
export function inlineStreamFactory(db: PGlite): () => InlinePgSocket {
  const queue = new SessionQueue(db);
  return () => new InlinePgSocket(queue);
}
