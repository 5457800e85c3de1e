/**
 * Each guard of replay/reconstruct/guards.ts may accept only what its zod schema accepts unchanged:
 * real payloads must pass both, and no mutation of them may pass the guard but not the schema.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { decodeFirst } from '../../replay/history/payloads.js';
import { isAssessment, isRecordStep, isReserveResult, isSettleInput, isStepRef, isToolRun } from '../../replay/reconstruct/guards.js';
import { AssessmentSchema, RecordStepSchema, ReserveResultSchema, SettleInputSchema, StepRefSchema, ToolRunSchema } from '../../replay/reconstruct/schemas.js';
import { governedHistory, SCENARIOS, type TaskSpec } from './scenarios.js';

type Ev = Record<string, unknown>;

/** Every governance call recorded in the scenario histories, by activity: `{ input, output }`. */
function recordedCalls(): Map<string, Array<{ input: unknown; output: unknown }>> {
  const calls = new Map<string, Array<{ input: unknown; output: unknown }>>();
  const failing: TaskSpec = { taskId: 'task-fail', steps: [{ stepId: 'f', tool: 'read_file', args: { path: 'x' }, verdict: 'ALLOW', toolFails: true }, { stepId: 'b', tool: 'read_file', args: { path: 'y' }, verdict: 'ALLOW', budgetExceeded: true }] };
  for (const spec of [...Object.values(SCENARIOS), failing]) {
    for (const e of governedHistory(spec).events as Ev[]) {
      const details = (e.markerRecordedEventAttributes as { details?: Record<string, unknown> } | undefined)?.details;
      const scheduled = e.activityTaskScheduledEventAttributes as { activityType: { name: string }; input: unknown } | undefined;
      const completed = e.activityTaskCompletedEventAttributes as { result: unknown } | undefined;
      if (details) {
        const data = decodeFirst(details.data) as { ok: true; value: { activity_type: string } };
        const result = decodeFirst(details.result) as { ok: true; value: { input: unknown; output: unknown } };
        calls.set(data.value.activity_type, [...(calls.get(data.value.activity_type) ?? []), result.value]);
      }
      if (scheduled) calls.set('executeTool:input', [...(calls.get('executeTool:input') ?? []), { input: (decodeFirst(scheduled.input) as { value: unknown }).value, output: undefined }]);
      if (completed) calls.set('executeTool', [...(calls.get('executeTool') ?? []), { input: undefined, output: (decodeFirst(completed.result) as { value: unknown }).value }]);
    }
  }
  return calls;
}

const calls = recordedCalls();
const CASES: Array<[string, z.ZodType, (v: unknown) => boolean, unknown[]]> = [
  ['assessment', AssessmentSchema, isAssessment, calls.get('assessStep')!.map((c) => c.output)],
  ['step reference', StepRefSchema, isStepRef, [...calls.get('reserveBudget')!.map((c) => c.input), ...calls.get('executeTool:input')!.map((c) => c.input)]],
  ['reservation', ReserveResultSchema, isReserveResult, calls.get('reserveBudget')!.map((c) => c.output)],
  ['tool run', ToolRunSchema, isToolRun, calls.get('executeTool')!.map((c) => c.output)],
  ['settlement', SettleInputSchema, isSettleInput, calls.get('settleBudget')!.map((c) => c.input)],
  ['step record', RecordStepSchema, isRecordStep, calls.get('recordStep')!.map((c) => c.input)],
];

/** Every path into a value, for the mutations. */
function paths(v: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (v === null || typeof v !== 'object') return [at];
  const keys: Array<string | number> = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return [at, ...keys.flatMap((k) => paths((v as Record<string, unknown>)[k as string], [...at, k]))];
}

const WEIRD: unknown[] = [undefined, null, '', 'x', 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, true, false, [], [1], {}, { code: 'c' }, 'ALLOW', 'low', 'nope'];

function mutate(v: unknown, path: Array<string | number>, how: number, replacement: unknown): unknown {
  const copy = structuredClone(v);
  if (path.length === 0) return replacement;
  const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string, unknown>)[k as string], copy) as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (how === 0 && !Array.isArray(parent)) delete parent[last];
  else if (how === 1 && !Array.isArray(parent)) parent[`extra${String(last)}`] = replacement;
  else parent[last] = replacement;
  return copy;
}

describe('payload guards', () => {
  it.each(CASES)('accept every recorded %s, as its schema does, unchanged', (_name, schema, guard, samples) => {
    expect(samples.length).toBeGreaterThan(0);
    for (const v of samples) {
      expect(guard(v)).toBe(true);
      expect(schema.parse(v)).toEqual(v);
    }
  });

  it.each(CASES)('accept no mutated %s that its schema refuses or would change', (_name, schema, guard, samples) => {
    const sample = fc.constantFrom(...samples).chain((v) => fc.tuple(fc.constant(v), fc.constantFrom(...paths(v)), fc.integer({ min: 0, max: 2 }), fc.constantFrom(...WEIRD)));
    fc.assert(fc.property(sample, ([v, path, how, replacement]) => {
      const m = mutate(v, path, how, replacement);
      if (!guard(m)) return;
      const r = schema.safeParse(m);
      expect(r.success).toBe(true);
      expect(r.data).toEqual(m);
    }), { numRuns: 1500 });
  });
});
