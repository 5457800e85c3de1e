/**
 * @module PII rules: emails, phone numbers, payment cards (Luhn-checked) and IBANs (mod-97-checked).
 * A match is masked (`j***@example.com`, `[card:****1111]`) or replaced by a keyed digest
 * (`[email:sha256:1a2b3c4d]`) so that replay can still correlate the same value across events.
 */
import { createHash, createHmac } from 'node:crypto';
import type { StringRule } from './rules.js';

export const PII_KINDS = ['email', 'phone', 'card', 'iban'] as const;
export type PiiKind = (typeof PII_KINDS)[number];
export type PiiMode = 'mask' | 'hash';

export interface PiiSettings {
  mode: PiiMode;
  /** HMAC key for `hash` mode; without it a plain SHA-256 is used (guessable for low-entropy values such as phone numbers). */
  hashKey?: string;
}

/** The Luhn checksum used by payment card numbers. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 must be 1. */
export function ibanValid(iban: string): boolean {
  const s = iban.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of v) rem = (rem * 10 + Number(digit)) % 97;
  }
  return rem === 1;
}

function digest(kind: PiiKind, normalised: string, s: PiiSettings): string {
  const h = s.hashKey === undefined
    ? createHash('sha256').update(normalised).digest('hex')
    : createHmac('sha256', s.hashKey).update(normalised).digest('hex');
  return `[${kind}:sha256:${h.slice(0, 8)}]`;
}

const digitsOf = (text: string): string => text.replace(/\D/g, '');
const isIpv4 = (text: string): boolean => /^\d{1,3}(?:\.\d{1,3}){3}$/.test(text);

function emailRule(s: PiiSettings): StringRule {
  return {
    kind: 'email',
    pattern: /(?<![A-Za-z0-9._%+-])(?<local>[A-Za-z0-9._%+-]{1,64})@(?<domain>(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24})(?![A-Za-z0-9-])/g,
    hint: /@/,
    replace: (m, g) => (s.mode === 'hash' ? digest('email', m.toLowerCase(), s) : `${(g.local ?? '').charAt(0)}***@${g.domain}`),
  };
}

function cardRule(s: PiiSettings): StringRule {
  return {
    kind: 'card',
    // Issuer ranges start with 2-6 (Mastercard 2-series, Amex, Visa, Mastercard, Discover); this keeps
    // millisecond timestamps and most numeric ids out.
    pattern: /(?<![\w.+])(?<num>[2-6]\d{3}(?:[ -]?\d){9,15})(?!\w)/g,
    hint: /[2-6]\d{3}/,
    replace: (m) => {
      const d = digitsOf(m);
      if (d.length < 13 || d.length > 19 || !luhnValid(d)) return null;
      return s.mode === 'hash' ? digest('card', d, s) : `[card:****${d.slice(-4)}]`;
    },
  };
}

function ibanRule(s: PiiSettings): StringRule {
  return {
    kind: 'iban',
    pattern: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g,
    hint: /[A-Z]{2}\d{2}/,
    replace: (m) => {
      if (!ibanValid(m)) return null;
      const n = m.replace(/ /g, '');
      return s.mode === 'hash' ? digest('iban', n, s) : `[iban:${n.slice(0, 2)}**${n.slice(-4)}]`;
    },
  };
}

function phoneRule(s: PiiSettings): StringRule {
  return {
    kind: 'phone',
    // Needs a leading `+` or separators between groups, and 10-15 digits: bare digit runs (ids,
    // epoch seconds), dates, times and IPv4 addresses are left alone.
    pattern: /(?<![\w+])(?<!\d[.:/-])(?:\+\d{10,15}|(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,5}){1,4})(?!\w|[.:/-]\d)/g,
    // every match has a group of digits, a separator and two more digits, or a `+` and ten digits
    hint: /\d[ .-]\d\d|\+\d{10}/,
    replace: (m) => {
      const d = digitsOf(m);
      if (d.length < 10 || d.length > 15 || isIpv4(m)) return null;
      return s.mode === 'hash' ? digest('phone', d, s) : `[phone:***${d.slice(-4)}]`;
    },
  };
}

/** The PII rules for the chosen kinds, in a safe order (cards and IBANs before phones, which would eat their digits). */
export function piiRules(kinds: readonly PiiKind[], settings: PiiSettings): StringRule[] {
  const order: Array<[PiiKind, (s: PiiSettings) => StringRule]> = [['card', cardRule], ['iban', ibanRule], ['email', emailRule], ['phone', phoneRule]];
  return order.filter(([k]) => kinds.includes(k)).map(([, make]) => make(settings));
}
