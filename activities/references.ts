/**
 * @module Resolve `{{steps.<id>.output[.path]}}` references in a step's arguments from the recorded
 * outputs of the steps it depends on. Governance assesses the resolved arguments (so an allowlist
 * or schema cannot be bypassed through a reference), and execution re-resolves them identically.
 */
import { InterceptorError } from '../lib/errors.js';

const REFERENCE = /\{\{\s*steps\.([A-Za-z0-9_.:-]+?)\.output((?:\.[A-Za-z0-9_-]+|\[\d+\])*)\s*\}\}/g;
const WHOLE = new RegExp(`^${REFERENCE.source}$`);

function walk(value: unknown, path: string): unknown {
  let cur = value;
  for (const m of path.matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]/g)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const key = m[1] ?? Number(m[2]);
    cur = Object.hasOwn(cur, key) ? (cur as Record<string | number, unknown>)[key] : undefined;
  }
  return cur;
}

function lookup(outputs: ReadonlyMap<string, unknown>, stepId: string, path: string): unknown {
  if (!outputs.has(stepId)) throw new InterceptorError('BAD_USER_INPUT', `reference to step \`${stepId}\`, which has no recorded output`);
  const v = walk(outputs.get(stepId), path);
  if (v === undefined) throw new InterceptorError('BAD_USER_INPUT', `reference \`steps.${stepId}.output${path}\` does not exist in that step's output`);
  return v;
}

function resolveValue(value: unknown, outputs: ReadonlyMap<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(outputs, whole[1]!, whole[2] ?? '');
    return value.replace(REFERENCE, (_m, id: string, path: string) => {
      const v = lookup(outputs, id, path ?? '');
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, outputs));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveValue(v, outputs)]));
  }
  return value;
}

/** The step's arguments with every reference replaced by the referenced output. */
export function resolveArgs(args: Record<string, unknown>, outputs: ReadonlyMap<string, unknown>): Record<string, unknown> {
  return resolveValue(args, outputs) as Record<string, unknown>;
}

/** Step ids referenced anywhere in the arguments. */
export function referencedSteps(args: Record<string, unknown>): string[] {
  return [...new Set([...JSON.stringify(args).matchAll(REFERENCE)].map((m) => m[1]!))];
}
