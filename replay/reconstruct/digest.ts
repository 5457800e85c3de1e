/**
 * @module The history digest: SHA-256 that ties a replay record to the history it was built from.
 *
 * Definition: SHA-256 of L ‖ B (64 bytes), where
 * - L is the SHA-256 of one JSON line per event in history order, `[id,"Type","time"|null,items|null]`
 *   followed by `\n`. An item is the JSON of what the event contributed that the record reads (attempt,
 *   failure text, signal name); a payload is the item `{"encoding":"<name>","bytes":<n>}`;
 * - B is the SHA-256 of the data bytes of every payload item, in the order of the lines and items.
 * The lines give each payload's length, so the byte stream splits back into payloads one way only.
 * Bytes, not their base64, are hashed: a history fetched as proto objects (Uint8Array) and the same
 * history as JSON (base64 strings) give the same digest. why two streams: payload bytes are hashed
 * as they are read, before the line that names them is complete, without keeping them.
 */
import { createHash } from 'node:crypto';
import { bufferOf } from '../history/payloads.js';

/** A payload as the digest binds it: its encoding name and its data bytes (or their count, once hashed). */
export class PayloadBytes {
  readonly byteLength: number;
  /** The bytes when the digest still has to hash them; undefined when they went into it as they were read. */
  readonly bytes: Uint8Array | undefined;

  constructor(readonly encoding: string, bytes: Uint8Array | number) {
    this.byteLength = typeof bytes === 'number' ? bytes : bytes.byteLength;
    this.bytes = typeof bytes === 'number' ? undefined : bytes;
  }

  /** The payload's item in its event's line. */
  toJSON(): { encoding: string; bytes: number } {
    return { encoding: this.encoding, bytes: this.byteLength };
  }
}

const CHUNK = 1 << 16;
// why: 3 bytes per UTF-16 unit is the most UTF-8 a string can take; below it a write always fits.
const MAX_UTF8_PER_UNIT = 3;
const JSON_PLAIN_ITEM = '{"encoding":"json/plain","bytes":';
// why: event type names and the times toIso writes use letters, digits and `-+:.` only; anything
// else (a type name read from a hostile history) is written by JSON.stringify.
const BARE = /^[A-Za-z0-9:.+-]*$/;

const quoted = (s: string): string => (BARE.test(s) ? `"${s}"` : JSON.stringify(s));

const TYPE_JSON = new Map<string, string>();

/** The JSON of an event type name; the few names a history uses are remembered. */
function quotedType(type: string): string {
  let q = TYPE_JSON.get(type);
  if (q === undefined) {
    q = quoted(type);
    // why bounded: a hostile history must not grow the cache without limit.
    if (TYPE_JSON.size < 256) TYPE_JSON.set(type, q);
  }
  return q;
}

type WritableBuffer = Buffer & { utf8Write(s: string, offset: number): number; base64Write(s: string, offset: number): number };

/**
 * A SHA-256 fed through one buffer, hashed a chunk at a time: one hash update per small piece costs
 * more than hashing it. utf8Write and base64Write are Buffer's own writers, without write()'s
 * argument juggling.
 */
class ChunkedHash {
  private readonly hash = createHash('sha256');
  private readonly buf = Buffer.allocUnsafe(CHUNK) as WritableBuffer;
  private used = 0;

  text(s: string): void {
    if (this.used + s.length * MAX_UTF8_PER_UNIT > CHUNK) {
      this.flush();
      if (s.length * MAX_UTF8_PER_UNIT > CHUNK) return void this.hash.update(s, 'utf8');
    }
    this.used += this.buf.utf8Write(s, this.used);
  }

  bytes(b: Uint8Array): void {
    if (this.used + b.byteLength > CHUNK) {
      this.flush();
      if (b.byteLength > CHUNK) return void this.hash.update(b);
    }
    this.buf.set(b, this.used);
    this.used += b.byteLength;
  }

  /**
   * Decodes base64 straight into the buffer and hashes the bytes; returns them as a view that stays
   * valid until the next write, or undefined when they may not fit (the caller decodes them itself).
   */
  base64(s: string): Buffer | undefined {
    const most = Math.ceil((s.length * 3) / 4);
    if (most > CHUNK) return undefined;
    if (this.used + most > CHUNK) this.flush();
    const n = this.buf.base64Write(s, this.used);
    const view = this.buf.subarray(this.used, this.used + n);
    this.used += n;
    return view;
  }

  digest(): Buffer {
    this.flush();
    return this.hash.digest();
  }

  private flush(): void {
    if (this.used > 0) this.hash.update(this.buf.subarray(0, this.used));
    this.used = 0;
  }
}

/** Streams the history digest (module comment) event by event. */
export class HistoryDigest {
  private readonly lines = new ChunkedHash();
  private readonly data = new ChunkedHash();

  /**
   * Hashes a payload's data (Uint8Array or base64) now, as the next bytes of the byte stream; returns
   * the bytes, which for base64 are valid only until the next call. Its item is then
   * `new PayloadBytes(encoding, bytes.byteLength)`.
   */
  payloadData(v: unknown): Buffer | undefined {
    if (typeof v === 'string') {
      const view = this.data.base64(v);
      if (view !== undefined) return view;
    }
    const b = bufferOf(v);
    if (b !== undefined) this.data.bytes(b);
    return b;
  }

  /** Adds one event's line; payload items that still carry their bytes add them to the byte stream. */
  event(id: number, type: string, at: string | undefined, items: readonly unknown[] | undefined): void {
    // why one string per line: each buffer write is a native call that costs more than the concatenation.
    let line = `[${JSON.stringify(id)},${quotedType(type)},${at === undefined ? 'null' : quoted(at)},`;
    if (items === undefined || items.length === 0) line += 'null]\n';
    else {
      for (let i = 0; i < items.length; i++) line += (i === 0 ? '[' : ',') + this.item(items[i]);
      line += ']]\n';
    }
    this.lines.text(line);
  }

  hex(): string {
    return createHash('sha256').update(this.lines.digest()).update(this.data.digest()).digest('hex');
  }

  private item(item: unknown): string {
    if (item instanceof PayloadBytes) {
      if (item.bytes !== undefined) this.data.bytes(item.bytes);
      return item.encoding === 'json/plain' ? `${JSON_PLAIN_ITEM}${item.byteLength}}` : JSON.stringify(item);
    }
    return JSON.stringify(item ?? null);
  }
}
