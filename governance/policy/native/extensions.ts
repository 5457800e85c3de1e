/**
 * @module Cedar's `decimal` and `ip` extension types. The parsers are deliberately strict: a string
 * they reject is handed to cedar-wasm (NeedsCedar), so accepting less than Cedar costs only speed,
 * while accepting more would be a wrong answer.
 */
import { CedarEvalError, NeedsCedar, type Value } from './values.js';

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

export class Decimal {
  readonly typeName = 'decimal';

  /** The value times 10^4, as Cedar stores it (an i64). */
  constructor(readonly scaled: bigint) {}

  equals(other: Value): boolean {
    return other instanceof Decimal && other.scaled === this.scaled;
  }
}

// Cedar's form: optional `-`, ASCII digits (leading zeros allowed), `.`, one to four digits
const DECIMAL = /^(-?)([0-9]+)\.([0-9]{1,4})$/;

export function parseDecimal(text: string): Decimal {
  const m = DECIMAL.exec(text);
  if (!m) throw new NeedsCedar('decimal literal outside the strict subset');
  const scaled = BigInt(`${m[2]!}${m[3]!.padEnd(4, '0')}`) * (m[1] === '-' ? -1n : 1n);
  if (scaled < I64_MIN || scaled > I64_MAX) throw new NeedsCedar('decimal out of range');
  return new Decimal(scaled);
}

export class IpAddr {
  readonly typeName = 'ipaddr';

  /** `bits`: the address as a 32- or 128-bit integer; `prefix`: the CIDR prefix length. */
  constructor(readonly v4: boolean, readonly bits: bigint, readonly prefix: number) {}

  equals(other: Value): boolean {
    return other instanceof IpAddr && other.v4 === this.v4 && other.bits === this.bits && other.prefix === this.prefix;
  }

  private width(): number {
    return this.v4 ? 32 : 128;
  }

  /** First and last address of the range this value denotes. */
  range(): { first: bigint; last: bigint } {
    const hostBits = BigInt(this.width() - this.prefix);
    const first = (this.bits >> hostBits) << hostBits;
    return { first, last: first + (1n << hostBits) - 1n };
  }

  /** Cedar `isInRange`: this range lies inside `other`'s (same family only). */
  isInRange(other: IpAddr): boolean {
    if (other.v4 !== this.v4) return false;
    const a = this.range();
    const b = other.range();
    return a.first >= b.first && a.last <= b.last;
  }
}

const V4_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const V6_GROUP = /^[0-9a-fA-F]{1,4}$/;
const PREFIX = /^(?:0|[1-9][0-9]{0,2})$/;

export function parseIp(text: string): IpAddr {
  const slash = text.indexOf('/');
  const addr = slash === -1 ? text : text.slice(0, slash);
  const v4 = addr.includes('.');
  const bits = v4 ? parseV4(addr) : parseV6(addr);
  const width = v4 ? 32 : 128;
  let prefix = width;
  if (slash !== -1) {
    const p = text.slice(slash + 1);
    if (!PREFIX.test(p) || Number(p) > width) throw new NeedsCedar('ip prefix outside the strict subset');
    prefix = Number(p);
  }
  return new IpAddr(v4, bits, prefix);
}

function parseV4(addr: string): bigint {
  const parts = addr.split('.');
  if (parts.length !== 4 || !parts.every((p) => V4_OCTET.test(p) && Number(p) <= 255)) throw new NeedsCedar('ipv4 address outside the strict subset');
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function parseV6(addr: string): bigint {
  const halves = addr.split('::');
  if (halves.length > 2) throw new NeedsCedar('ipv6 address outside the strict subset');
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const all = [...head, ...tail];
  if (!all.every((g) => V6_GROUP.test(g))) throw new NeedsCedar('ipv6 address outside the strict subset');
  if (halves.length === 1 ? all.length !== 8 : all.length > 7) throw new NeedsCedar('ipv6 address outside the strict subset');
  const full = [...head, ...Array<string>(8 - all.length).fill('0'), ...tail];
  return full.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

const LOOPBACK_V4 = parseIp('127.0.0.0/8');
const LOOPBACK_V6 = parseIp('::1/128');
const MULTICAST_V4 = parseIp('224.0.0.0/4');
const MULTICAST_V6 = parseIp('ff00::/8');

function asDecimal(v: Value): Decimal {
  if (!(v instanceof Decimal)) throw new CedarEvalError('type error: expected decimal');
  return v;
}

function asIp(v: Value): IpAddr {
  if (!(v instanceof IpAddr)) throw new CedarEvalError('type error: expected ipaddr');
  return v;
}

function asText(v: Value): string {
  if (typeof v !== 'string') throw new CedarEvalError('type error: expected string');
  return v;
}

/** Extension functions by name, with the number of arguments each takes. */
export const EXTENSION_FUNCTIONS: Readonly<Record<string, { arity: number; call: (args: Value[]) => Value }>> = {
  decimal: { arity: 1, call: ([s]) => parseDecimal(asText(s!)) },
  lessThan: { arity: 2, call: ([a, b]) => asDecimal(a!).scaled < asDecimal(b!).scaled },
  lessThanOrEqual: { arity: 2, call: ([a, b]) => asDecimal(a!).scaled <= asDecimal(b!).scaled },
  greaterThan: { arity: 2, call: ([a, b]) => asDecimal(a!).scaled > asDecimal(b!).scaled },
  greaterThanOrEqual: { arity: 2, call: ([a, b]) => asDecimal(a!).scaled >= asDecimal(b!).scaled },
  ip: { arity: 1, call: ([s]) => parseIp(asText(s!)) },
  isIpv4: { arity: 1, call: ([a]) => asIp(a!).v4 },
  isIpv6: { arity: 1, call: ([a]) => !asIp(a!).v4 },
  isLoopback: { arity: 1, call: ([a]) => asIp(a!).isInRange(asIp(a!).v4 ? LOOPBACK_V4 : LOOPBACK_V6) },
  isMulticast: { arity: 1, call: ([a]) => asIp(a!).isInRange(asIp(a!).v4 ? MULTICAST_V4 : MULTICAST_V6) },
  isInRange: { arity: 2, call: ([a, b]) => asIp(a!).isInRange(asIp(b!)) },
};
