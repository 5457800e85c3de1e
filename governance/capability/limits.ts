/** @module Size limits on arguments, checked before the schema so huge or deep input costs little. */

/** Same bound as plan extraction: deeper nesting is refused, not walked. */
export const MAX_ARGS_DEPTH = 32;

export type LimitProblem = { kind: 'too_deep'; path: string } | { kind: 'oversized'; path: string; length: number };

/** The first nesting violation, and every string (value or key) longer than `maxString`. */
export function checkLimits(args: unknown, maxString: number): LimitProblem[] {
  const problems: LimitProblem[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: args, path: '', depth: 0 }];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.length > maxString) problems.push({ kind: 'oversized', path: path || '/', length: value.length });
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_ARGS_DEPTH || seen.has(value)) return [{ kind: 'too_deep', path: path || '/' }];
    seen.add(value);
    for (const [key, child] of Object.entries(value)) {
      if (key.length > maxString) problems.push({ kind: 'oversized', path: `${path}/${pointerEscape(key.slice(0, 32))}…`, length: key.length });
      stack.push({ value: child, path: `${path}/${pointerEscape(key)}`, depth: depth + 1 });
    }
  }
  return problems;
}

export function pointerEscape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Every string inside `value` with its JSON pointer below `base` (bounded by MAX_ARGS_DEPTH). */
export function stringsIn(value: unknown, base: string, depth = 0): { path: string; value: string }[] {
  if (typeof value === 'string') return [{ path: base, value }];
  if (typeof value !== 'object' || value === null || depth >= MAX_ARGS_DEPTH) return [];
  return Object.entries(value).flatMap(([k, v]) => stringsIn(v, `${base}/${pointerEscape(k)}`, depth + 1));
}
