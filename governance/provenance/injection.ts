/**
 * @module Deterministic detection of instruction-like content in untrusted text (prompt injection
 * carried by data). Patterns only, no ML: the result is explainable and the same every time.
 */
import { CHARACTER_RULES, EXFIL_URL_WEIGHT, PHRASE_RULES, URL_PATTERN, queryCarriesData, type PatternRule } from './injection-rules.js';
import { normaliseForMatching } from './normalise.js';
import type { InjectionSignal } from './types.js';

export const INJECTION_LIMITS = {
  /** Signals kept per rule per string: enough to show a pattern, bounded against floods. */
  maxSignalsPerRule: 5,
  maxExcerpt: 80,
  /** scanArgs: nesting depth walked, strings visited and characters scanned in total. */
  maxDepth: 32,
  maxStrings: 10_000,
  maxChars: 1024 * 1024,
} as const;

function shorten(text: string): string {
  return text.length > INJECTION_LIMITS.maxExcerpt ? `${text.slice(0, INJECTION_LIMITS.maxExcerpt)}…` : text;
}

/** Invisible characters are useless in an excerpt; show their code points instead. */
function codePoints(text: string): string {
  const cps = [...text].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  return shorten(cps.length > 4 ? `${cps.slice(0, 4).join(' ')} … (${cps.length} characters)` : cps.join(' '));
}

function matchRule(rule: PatternRule, text: string, excerpt: (m: RegExpExecArray) => string, indexOf: (i: number) => number): InjectionSignal[] {
  const out: InjectionSignal[] = [];
  // why a fresh RegExp: rule patterns are shared and global; lastIndex must not leak between calls.
  const re = new RegExp(rule.pattern.source, rule.pattern.flags);
  for (let m = re.exec(text); m !== null && out.length < INJECTION_LIMITS.maxSignalsPerRule; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    if (rule.accept && !rule.accept(m)) continue;
    const lead = m[0].length - m[0].replace(/^\n/, '').length;
    out.push({ code: rule.code, excerpt: excerpt(m), index: indexOf(m.index + lead), weight: rule.weight });
  }
  return out;
}

function exfiltrationUrls(text: string): InjectionSignal[] {
  const out: InjectionSignal[] = [];
  for (const m of text.matchAll(URL_PATTERN)) {
    if (out.length >= INJECTION_LIMITS.maxSignalsPerRule) break;
    if (queryCarriesData(m[0])) out.push({ code: 'exfiltration_url', excerpt: shorten(m[0]), index: m.index, weight: EXFIL_URL_WEIGHT });
  }
  return out;
}

/**
 * One regex per flag set that matches wherever any of `rules` would match (an alternation of their
 * patterns, same flags, no `g`). why: almost every string is clean, and one test over it costs a
 * fraction of running each rule; a string it does not match cannot produce a signal from `rules`.
 */
export function anyRuleMatcher(rules: readonly PatternRule[]): (text: string) => boolean {
  const byFlags = new Map<string, string[]>();
  for (const r of rules) {
    const flags = r.pattern.flags.replace('g', '');
    byFlags.set(flags, [...(byFlags.get(flags) ?? []), `(?:${r.pattern.source})`]);
  }
  const combined = [...byFlags].map(([flags, sources]) => new RegExp(sources.join('|'), flags));
  return (text) => combined.some((re) => re.test(text));
}

const anyPhrase = anyRuleMatcher(PHRASE_RULES);
const anyHiddenCharacter = anyRuleMatcher(CHARACTER_RULES);

/** Signals of instruction-like or hidden content in `text`, ordered by position then code. */
export function detectInstructionLikeContent(text: string): InjectionSignal[] {
  const norm = normaliseForMatching(text);
  const toOriginal = (i: number): number => norm.origin[i] ?? text.length;
  const phrases = anyPhrase(norm.text) ? PHRASE_RULES.flatMap((r) => matchRule(r, norm.text, (m) => shorten(m[0].trim()), toOriginal)) : [];
  const hidden = !anyHiddenCharacter(text) ? [] : CHARACTER_RULES.flatMap((r) =>
    matchRule(r, text, (m) => (r.code === 'base64_blob' || r.code.startsWith('markdown') || r.code === 'html_comment' ? shorten(m[0]) : codePoints(m[0])), (i) => i),
  );
  // why the `http` test: URL_PATTERN starts with a literal `http`
  const urls = text.includes('http') ? exfiltrationUrls(text) : [];
  if (phrases.length + hidden.length + urls.length === 0) return [];
  return [...phrases, ...hidden, ...urls].sort((a, b) => a.index - b.index || a.code.localeCompare(b.code));
}

interface ScanState {
  truncated: boolean;
  strings: number;
  chars: number;
  signals: InjectionSignal[];
}

function scanString(text: string, path: string, state: ScanState): void {
  state.strings++;
  const budget = INJECTION_LIMITS.maxChars - state.chars;
  if (text.length > budget) state.truncated = true;
  const slice = text.length > budget ? text.slice(0, budget) : text;
  state.chars += slice.length;
  for (const s of detectInstructionLikeContent(slice)) state.signals.push({ ...s, path });
}

function exhausted(state: ScanState): boolean {
  return state.strings >= INJECTION_LIMITS.maxStrings || state.chars >= INJECTION_LIMITS.maxChars;
}

function walk(value: unknown, path: string, depth: number, state: ScanState): void {
  if (exhausted(state)) {
    state.truncated = true;
    return;
  }
  if (typeof value === 'string') return scanString(value, path, state);
  if (value === null || typeof value !== 'object') return;
  if (depth >= INJECTION_LIMITS.maxDepth) {
    state.truncated = true;
    return;
  }
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v: unknown, i) => [`[${i}]`, v]) : Object.entries(value);
  for (const [key, child] of entries) {
    const childPath = key.startsWith('[') ? `${path}${key}` : path ? `${path}.${key}` : key;
    // why keys too: an object key is as much attacker-chosen text as a value.
    if (!key.startsWith('[')) scanString(key, `${childPath} (key)`, state);
    walk(child, childPath, depth + 1, state);
  }
}

/**
 * Scan every string (and key) inside an arguments object. Bounded: past the limits the rest is not
 * read and a `scan_truncated` signal says so, because unscanned content must not look clean.
 */
export function scanArgs(args: Record<string, unknown>): InjectionSignal[] {
  const state: ScanState = { truncated: false, strings: 0, chars: 0, signals: [] };
  walk(args, '', 0, state);
  if (state.truncated) state.signals.push({ code: 'scan_truncated', excerpt: 'arguments too large to scan completely', index: 0, weight: 10, path: '' });
  return state.signals;
}
