/**
 * @module A strict JSON reader with positions.
 * why not JSON.parse: it cannot say where a value ends inside free text, it keeps the last of two
 * duplicate keys (a parser differential an attacker can use: `{"to":"a","to":"b"}` may reach the
 * policy as `b` and the tool as `a`), and it recurses without a depth bound.
 */

/**
 * A syntax error at `index`. why not a subclass of Error: scanning text tries a parse at every `{`,
 * and capturing a stack trace per failed attempt was the dominant cost on hostile input.
 */
export class JsonSyntaxError {
  readonly name = 'JsonSyntaxError';
  constructor(
    readonly message: string,
    readonly index: number,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Reader {
  pos: number;
  constructor(
    private readonly text: string,
    start: number,
    private readonly maxDepth: number,
  ) {
    this.pos = start;
  }

  skipWhitespace(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return;
      this.pos++;
    }
  }

  value(depth: number): unknown {
    this.skipWhitespace();
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth + 1);
    if (c === '[') return this.array(depth + 1);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    throw new JsonSyntaxError(c === undefined ? 'unexpected end of JSON' : `unexpected character \`${c}\``, this.pos);
  }

  private enter(depth: number): void {
    if (depth > this.maxDepth) throw new JsonSyntaxError(`JSON nesting deeper than ${this.maxDepth}`, this.pos);
    this.pos++;
    this.skipWhitespace();
  }

  private object(depth: number): Record<string, unknown> {
    this.enter(depth);
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      const keyAt = this.pos;
      if (this.text[this.pos] !== '"') throw new JsonSyntaxError('expected a string key', this.pos);
      const key = this.string();
      if (seen.has(key)) throw new JsonSyntaxError(`duplicate key \`${key}\``, keyAt);
      // why: zod and most object code drop or misread `__proto__`, so what runs would differ from what was sent.
      if (key === '__proto__') throw new JsonSyntaxError('key `__proto__` is not allowed', keyAt);
      seen.add(key);
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') throw new JsonSyntaxError('expected `:` after a key', this.pos);
      this.pos++;
      // why defineProperty: a `__proto__` key must become data, never the object's prototype.
      Object.defineProperty(out, key, { value: this.value(depth), enumerable: true, writable: true, configurable: true });
      if (this.endOf('}')) return out;
    }
  }

  private array(depth: number): unknown[] {
    this.enter(depth);
    const out: unknown[] = [];
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      if (this.endOf(']')) return out;
    }
  }

  /** After a member: true on the closing bracket, false on a comma, error otherwise. */
  private endOf(close: string): boolean {
    this.skipWhitespace();
    const c = this.text[this.pos];
    this.pos++;
    if (c === close) return true;
    if (c === ',') return false;
    throw new JsonSyntaxError(c === undefined ? 'unexpected end of JSON' : `expected \`,\` or \`${close}\``, this.pos - 1);
  }

  private string(): string {
    const start = ++this.pos;
    let out = '';
    let runStart = start;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 34) {
        out += this.text.slice(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) throw new JsonSyntaxError('control character in string', this.pos);
      if (c === 92) {
        out += this.text.slice(runStart, this.pos) + this.escape();
        runStart = this.pos;
      } else {
        this.pos++;
      }
    }
    throw new JsonSyntaxError('unterminated string', start - 1);
  }

  private escape(): string {
    const e = this.text[this.pos + 1];
    if (e === 'u') {
      const hex = this.text.slice(this.pos + 2, this.pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntaxError('invalid `\\u` escape', this.pos);
      this.pos += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    const mapped = e === undefined ? undefined : ESCAPES[e];
    if (mapped === undefined) throw new JsonSyntaxError('invalid escape', this.pos);
    this.pos += 2;
    return mapped;
  }

  private number(): number {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) throw new JsonSyntaxError('invalid number', this.pos);
    const n = Number(m[0]);
    if (!Number.isFinite(n)) throw new JsonSyntaxError('number out of range', this.pos);
    this.pos += m[0].length;
    return n;
  }
}

/** Read one JSON value starting at `start`; returns it and the index just after it. */
export function readJsonAt(text: string, start: number, maxDepth: number): { value: unknown; end: number } {
  const reader = new Reader(text, start, maxDepth);
  const value = reader.value(0);
  return { value, end: reader.pos };
}

/** Parse a whole JSON document: one value and nothing but whitespace around it. */
export function parseJsonDocument(text: string, maxDepth: number): unknown {
  const reader = new Reader(text, 0, maxDepth);
  const value = reader.value(0);
  reader.skipWhitespace();
  if (reader.pos < text.length) throw new JsonSyntaxError('unexpected text after the JSON value', reader.pos);
  return value;
}
