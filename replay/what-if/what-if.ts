/**
 * @module whatIf: re-decide every recorded step of a task under another compiled policy set, from
 * the inputs the assessment recorded (resolved arguments, budget snapshot, identity, decision time).
 * Executes nothing and reads nothing: the replay record is the only input besides policy and tools.
 */
import { z } from 'zod';
import { assessStep } from '../../governance/assess/index.js';
import type { CompiledPolicySet } from '../../governance/policy/index.js';
import type { ExecutionPlan, StepAssessment, ToolDefinition } from '../../governance/types.js';
import { digestJson } from '../../lib/canonical-json.js';
import { parseOrFail } from '../../lib/validation.js';
import { RECORD_VERSION, type ReplayRecord, type StepRecord } from '../reconstruct/types.js';
import type { WhatIfResult, WhatIfSide, WhatIfStep } from './types.js';

const ArgsSchema = z.object({
  record: z.looseObject({ version: z.literal(RECORD_VERSION), steps: z.array(z.unknown()), summary: z.looseObject({}) }),
  policy: z.looseObject({ version: z.string().min(1), status: z.enum(['ready', 'invalid']) }),
  tools: z.instanceof(Map),
});

function planOf(r: ReplayRecord): ExecutionPlan | undefined {
  const p = r.summary.plan;
  if (!p) return undefined;
  return { planId: p.planId, goal: r.summary.goal ?? '', steps: r.steps.map((s) => ({ stepId: s.stepId, tool: s.tool, args: s.args, dependsOn: s.dependsOn, provenance: s.provenance })) };
}

const side = (a: Pick<StepAssessment, 'decision' | 'reasons' | 'determiningPolicies' | 'policySetVersion' | 'risk'>): WhatIfSide => ({
  decision: a.decision, reasons: a.reasons, determiningPolicies: a.determiningPolicies, policySetVersion: a.policySetVersion, risk: { score: a.risk.score, level: a.risk.level },
});

function reevaluate(r: ReplayRecord, plan: ExecutionPlan | undefined, step: StepRecord, policy: CompiledPolicySet, tools: ReadonlyMap<string, ToolDefinition>): WhatIfStep {
  const base = { stepId: step.stepId, tool: step.tool, changed: false };
  const tool = tools.get(step.tool);
  const current = tool ? digestJson(tool) : undefined;
  const recorded = step.assessment?.inputs?.toolDigest;
  const toolDigestChanged = step.assessment !== undefined && current !== recorded;
  if (!step.assessment) return { ...base, toolDigestChanged: false, skipped: { code: 'NOT_ASSESSED', message: `step \`${step.stepId}\` was never assessed` } };
  const old = side(step.assessment);
  if (!step.assessment.inputs) return { ...base, old, toolDigestChanged, skipped: { code: 'NO_RECORDED_INPUTS', message: `the assessment of step \`${step.stepId}\` recorded no inputs` } };
  if (!r.summary.identity) return { ...base, old, toolDigestChanged, skipped: { code: 'NO_IDENTITY', message: 'the history holds no verified identity' } };
  if (!plan) return { ...base, old, toolDigestChanged, skipped: { code: 'NO_PLAN', message: 'the history holds no extracted plan' } };
  const { args, budget } = step.assessment.inputs;
  // why: the recorded arguments are the resolved ones (step-output references replaced), which is what was assessed.
  const resolved = { ...plan, steps: plan.steps.map((s) => (s.stepId === step.stepId ? { ...s, args } : s)) };
  const a = assessStep({ plan: resolved, stepId: step.stepId, ...(tool ? { tool } : {}), identity: r.summary.identity, ...(budget ? { budget } : {}), now: new Date(step.assessment.evaluatedAt) }, { policy });
  const next = side(a);
  return { ...base, old, new: next, changed: next.decision !== old.decision, policiesChanged: digestJson(next.determiningPolicies) !== digestJson(old.determiningPolicies), toolDigestChanged };
}

/** Re-decide a recorded task's steps under `policy` with today's tool definitions. Throws BAD_USER_INPUT on bad arguments. */
export function whatIf(record: ReplayRecord, policy: CompiledPolicySet, tools: ReadonlyMap<string, ToolDefinition>): WhatIfResult {
  parseOrFail(ArgsSchema, { record, policy, tools }, 'what-if arguments');
  const plan = planOf(record);
  const steps = record.steps.map((s) => reevaluate(record, plan, s, policy, tools));
  const transitions: Record<string, number> = {};
  for (const s of steps) {
    if (!s.changed || !s.old || !s.new) continue;
    const k = `${s.old.decision}->${s.new.decision}`;
    transitions[k] = (transitions[k] ?? 0) + 1;
  }
  return {
    ...(record.summary.taskId ? { taskId: record.summary.taskId } : {}),
    policySetVersion: policy.version,
    steps,
    summary: {
      steps: steps.length,
      reevaluated: steps.filter((s) => s.new).length,
      skipped: steps.filter((s) => s.skipped).length,
      changed: steps.filter((s) => s.changed).length,
      toolDigestChanged: steps.filter((s) => s.toolDigestChanged).length,
      transitions,
    },
  };
}
