/**
 * @module Free text holding one plan: a ```json fenced block or a bare JSON value whose shape is a
 * native plan or a tool-call format. Only JSON is read; a tool name is never pattern-matched from prose.
 */
import { canonicalJson } from '../../../lib/canonical-json.js';
import type { PlanFormat } from '../../types.js';
import { fail, failAt, lineColumn } from '../issues.js';
import { PLAN_LIMITS } from '../limits.js';
import { JsonSyntaxError, parseJsonDocument, readJsonAt } from '../strict-json.js';
import { detectShapes } from './detect.js';

export interface TextCandidate {
  format: Exclude<PlanFormat, 'text'>;
  value: unknown;
  /** `line:column` where the candidate starts. */
  position: string;
}

const FENCE_OPEN = /^ {0,3}```[ \t]*([^\s`]*)/;
const FENCE_CLOSE = /^ {0,3}```[ \t]*\r?$/;
// why a work budget: trying a parse at every `{` could re-read the same long tail many times.
const SCAN_WORK_FACTOR = 8;

function candidateOf(text: string, value: unknown, index: number): TextCandidate | undefined {
  const shapes = detectShapes(value);
  const position = lineColumn(text, index);
  if (shapes.length > 1) failAt(position, `JSON value has the shape of several formats: ${shapes.map((s) => `\`${s}\``).join(', ')}`);
  const format = shapes[0];
  return format === undefined ? undefined : { format, value, position };
}

interface Fence {
  start: number;
  end: number;
  bodyStart: number;
  bodyEnd: number;
  json: boolean;
}

/** Fenced code blocks, found line by line (CommonMark: an unclosed fence runs to the end of the text). */
function fences(text: string): Fence[] {
  const out: Fence[] = [];
  let open: { start: number; bodyStart: number; json: boolean } | undefined;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl === -1 ? text.length : nl;
    const line = text.slice(lineStart, lineEnd);
    if (open && FENCE_CLOSE.test(line)) {
      out.push({ ...open, end: lineEnd, bodyEnd: lineStart });
      open = undefined;
    } else if (!open) {
      const m = FENCE_OPEN.exec(line);
      if (m) open = { start: lineStart, bodyStart: Math.min(lineEnd + 1, text.length), json: (m[1] ?? '').toLowerCase() === 'json' };
    }
    if (nl === -1) break;
    lineStart = nl + 1;
  }
  if (open) out.push({ ...open, end: text.length, bodyEnd: text.length });
  return out;
}

/** ```json blocks: each must parse; returns their candidates and the ranges bare scanning skips. */
function fencedCandidates(text: string): { found: TextCandidate[]; ranges: Array<[number, number]> } {
  const found: TextCandidate[] = [];
  const ranges: Array<[number, number]> = [];
  for (const f of fences(text).filter((x) => x.json)) {
    ranges.push([f.start, f.end]);
    let value: unknown;
    try {
      value = parseJsonDocument(text.slice(f.bodyStart, f.bodyEnd), PLAN_LIMITS.maxPayloadDepth);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      failAt(lineColumn(text, f.bodyStart + e.index), `invalid JSON in a json block: ${e.message}`);
    }
    const c = candidateOf(text, value, f.bodyStart);
    if (c) found.push(c);
  }
  return { found, ranges };
}

/** Could a JSON value plausibly start here? Cheap filter so prose braces are not parsed. */
function opensJson(text: string, i: number): boolean {
  const c = text[i];
  if (c !== '{' && c !== '[') return false;
  const next = /\S/.exec(text.slice(i + 1, i + 64))?.[0];
  return c === '{' ? next === '"' || next === '}' : next === '{';
}

/** Bare JSON values outside json fences; an inner value of a parsed one is never a separate candidate. */
function bareCandidates(text: string, ranges: Array<[number, number]>): TextCandidate[] {
  const found: TextCandidate[] = [];
  let work = 0;
  let i = 0;
  let r = 0; // ranges are in text order; r is the first one not yet passed
  while (i < text.length) {
    while (r < ranges.length && ranges[r]![1] <= i) r++;
    const fence = ranges[r];
    if (fence && i >= fence[0]) {
      i = fence[1];
      continue;
    }
    if (!opensJson(text, i)) {
      i++;
      continue;
    }
    try {
      const { value, end } = readJsonAt(text, i, PLAN_LIMITS.maxPayloadDepth);
      work += end - i;
      const c = candidateOf(text, value, i);
      if (c) found.push(c);
      i = end;
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      work += e.index - i + 1;
      i++;
    }
    if (work > SCAN_WORK_FACTOR * text.length + 4096) failAt('(root)', 'text is too costly to scan for JSON: put the plan in one ```json block');
  }
  return found;
}

/** The single plan candidate in `text`; none, or two that differ, is an error naming the positions. */
export function textCandidate(text: string): TextCandidate {
  const { found, ranges } = fencedCandidates(text);
  const all = [...found, ...bareCandidates(text, ranges)];
  const distinct = new Map<string, TextCandidate>();
  for (const c of all) {
    const key = `${c.format}:${canonicalJson(c.value)}`;
    if (!distinct.has(key)) distinct.set(key, c);
  }
  const list = [...distinct.values()];
  if (list.length === 0) failAt('(root)', 'text holds no JSON plan or tool call: put exactly one in a ```json block');
  if (list.length > 1) {
    const where = list.map((c) => `\`${c.position}\``).join(' and ');
    fail(list.map((c) => ({ path: c.position, message: `\`${c.format}\` candidate; text holds ${list.length} different candidates at ${where}` })));
  }
  return list[0]!;
}
