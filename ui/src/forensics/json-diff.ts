/**
 * @module Arguments of a held call set against an earlier call of the same tool: the call is printed
 * as pretty JSON, one line per value, each line marked same / changed / added relative to the earlier
 * call, plus the paths the earlier call had and this one lacks. DOM-free, so node tests can import it.
 */

export type LineMark = 'same' | 'changed' | 'added';

export interface DiffLine {
  text: string;
  mark: LineMark;
  /** RFC 6901 pointer of the value the line shows (`""` for the root). */
  path: string;
}

export interface JsonDiff {
  lines: DiffLine[];
  removed: string[];
  changed: number;
  added: number;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const token = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && equal(a[k], b[k]));
  }
  return false;
}

/** Pretty-print `value` (2-space indent, like JSON.stringify) with each line marked against `earlier`. */
export function diffJson(value: unknown, earlier: unknown): JsonDiff {
  const lines: DiffLine[] = [];
  const removed: string[] = [];
  const walk = (v: unknown, prev: unknown, hasPrev: boolean, indent: string, prefix: string, comma: string, path: string): void => {
    const containerMark: LineMark = !hasPrev ? 'added' : (Array.isArray(v) === Array.isArray(prev) && isObject(v) === isObject(prev)) ? 'same' : 'changed';
    if (Array.isArray(v) || isObject(v)) {
      const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
      const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
      if (entries.length === 0) {
        lines.push({ text: `${indent}${prefix}${open}${close}${comma}`, mark: hasPrev && equal(v, prev) ? 'same' : hasPrev ? 'changed' : 'added', path });
        return;
      }
      lines.push({ text: `${indent}${prefix}${open}`, mark: containerMark, path });
      const prevC = containerMark === 'same' ? (prev as Record<string, unknown>) : undefined;
      entries.forEach(([k, x], i) => {
        const childHas = prevC !== undefined && Object.prototype.hasOwnProperty.call(prevC, k);
        walk(x, childHas ? prevC[k] : undefined, childHas, `${indent}  `, Array.isArray(v) ? '' : `${JSON.stringify(k)}: `, i < entries.length - 1 ? ',' : '', `${path}/${token(k)}`);
      });
      if (prevC) {
        const here = new Set(entries.map(([k]) => k));
        for (const k of Object.keys(prevC)) if (!here.has(k)) removed.push(`${path}/${token(k)}`);
      }
      lines.push({ text: `${indent}${close}${comma}`, mark: containerMark, path });
      return;
    }
    const text = v === undefined ? 'undefined' : JSON.stringify(v as Json);
    lines.push({ text: `${indent}${prefix}${text}${comma}`, mark: !hasPrev ? 'added' : equal(v, prev) ? 'same' : 'changed', path });
  };
  walk(value, earlier, true, '', '', '', '');
  // a value line counts once; container brackets only carry their children's marks
  const leaves = lines.filter((l, i) => !/[[{]$/.test(l.text) && !/^\s*[\]}],?$/.test(l.text) && lines.findIndex((m) => m.path === l.path) === i);
  return {
    lines,
    removed,
    changed: leaves.filter((l) => l.mark === 'changed').length,
    added: leaves.filter((l) => l.mark === 'added').length,
  };
}
