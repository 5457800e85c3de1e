/** @module The native ExecutionPlan JSON. */
import { z } from 'zod';
import { PlanStepSchema } from '../../types.js';
import { parseOrFail } from '../../../lib/validation.js';
import { assertStepCount } from '../limits.js';
import { isRecord, type DraftStep } from '../tool-calls.js';

// why strict: an unknown key is most likely a typo (`dependson`, `provenence`); dropping it would
// silently remove a dependency or a trust declaration, which is exactly what taint tracking relies on.
const NativeStepSchema = PlanStepSchema.strict();
const NativePlanSchema = z.strictObject({
  planId: z.string().min(1).max(128).optional(),
  goal: z.string().max(4000).optional(),
  steps: z.array(NativeStepSchema).min(1),
});

export interface NativeDraft {
  planId?: string;
  goal?: string;
  steps: DraftStep[];
}

/** Validate a native plan; planId and goal are optional here (extractPlan fills them in). */
export function nativeDraft(payload: unknown): NativeDraft {
  if (isRecord(payload) && Array.isArray(payload.steps)) assertStepCount(payload.steps.length, 'steps');
  const plan = parseOrFail(NativePlanSchema, payload, 'plan');
  const steps = plan.steps.map((s, i): DraftStep => ({ ...s, path: `steps[${i}]` }));
  return { planId: plan.planId, goal: plan.goal, steps };
}
