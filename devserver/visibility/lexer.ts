/**
 * @module Tokens of the list-filter language. Keywords are case-insensitive; names are plain
 * identifiers or backquoted; strings take single or double quotes with backslash escapes (and a
 * doubled quote for the quote itself, as SQL does); numbers are decimal, optionally signed.
 */
import { queryError } from './errors.js';

export type TokenKind = 'name' | 'keyword' | 'string' | 'number' | 'op' | 'lparen' | 'rparen' | 'comma' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Keywords upper-cased; names, strings and numbers as written (strings unescaped). */
  readonly value: string;
  /** 0-based offset of the token's first character. */
  readonly pos: number;
  /** The source text of the token, for messages. */
  readonly raw: string;
}

export const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'IS', 'NULL', 'STARTS_WITH', 'ORDER', 'GROUP', 'BY', 'ASC', 'DESC', 'TRUE', 'FALSE']);

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const OPERATOR = /!=|<>|<=|>=|=|<|>/y;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', Z: '\x1a' };

/** Split a query into tokens; the last one is always `end`. Throws INVALID_ARGUMENT with a position. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) { i++; continue; }
    const token = readToken(text, i, c);
    tokens.push(token);
    i = token.pos + token.raw.length;
  }
  tokens.push({ kind: 'end', value: '', pos: text.length, raw: '' });
  return tokens;
}

function readToken(text: string, i: number, c: string): Token {
  const single: Partial<Record<string, TokenKind>> = { '(': 'lparen', ')': 'rparen', ',': 'comma' };
  const kind = single[c];
  if (kind) return { kind, value: c, pos: i, raw: c };
  if (c === "'" || c === '"') return readString(text, i, c);
  if (c === '`') return readQuotedName(text, i);
  const word = match(IDENT, text, i);
  if (word !== undefined) {
    const upper = word.toUpperCase();
    return KEYWORDS.has(upper) ? { kind: 'keyword', value: upper, pos: i, raw: word } : { kind: 'name', value: word, pos: i, raw: word };
  }
  const num = match(NUMBER, text, i);
  if (num !== undefined) return { kind: 'number', value: num, pos: i, raw: num };
  const op = match(OPERATOR, text, i);
  if (op !== undefined) return { kind: 'op', value: op === '<>' ? '!=' : op, pos: i, raw: op };
  throw queryError(`unexpected character ${describeChar(text.codePointAt(i) ?? 0)}`, i);
}

function match(re: RegExp, text: string, i: number): string | undefined {
  re.lastIndex = i;
  return re.exec(text)?.[0];
}

function readString(text: string, start: number, quoteChar: string): Token {
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) {
      const next = text[i + 1] as string;
      out += ESCAPES[next] ?? next;
      i += 2;
    } else if (c === quoteChar && text[i + 1] === quoteChar) {
      out += c;
      i += 2;
    } else if (c === quoteChar) {
      return { kind: 'string', value: out, pos: start, raw: text.slice(start, i + 1) };
    } else {
      out += c;
      i++;
    }
  }
  throw queryError('unterminated string', start);
}

function readQuotedName(text: string, start: number): Token {
  const close = text.indexOf('`', start + 1);
  if (close < 0) throw queryError('unterminated backquoted name', start);
  const name = text.slice(start + 1, close);
  if (name.length === 0) throw queryError('empty backquoted name', start);
  return { kind: 'name', value: name, pos: start, raw: text.slice(start, close + 1) };
}

function describeChar(code: number): string {
  const printable = code >= 0x20 && code !== 0x7f && code !== 0x60 && !(code >= 0xd800 && code <= 0xdfff);
  return printable ? `\`${String.fromCodePoint(code)}\`` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
