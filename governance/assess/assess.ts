/**
 * @module assessStep: the one decision for one plan step. Capability and argument validation,
 * provenance and taint, instruction-like content, risk, then Cedar. A step that fails validation
 * is denied without asking Cedar (its risk is still computed, for the record).
 */
import { digestJson } from '../../lib/canonical-json.js';
import { InterceptorError } from '../../lib/errors.js';
import { validateToolCall } from '../capability/index.js';
import { evaluate, type PolicyRequest } from '../policy/index.js';
import { resolveStepProvenance, scanArgs, type InjectionSignal, type StepProvenance } from '../provenance/index.js';
import { assessRisk, scoreRisk } from '../risk/index.js';
import type { PlanStep, RiskAssessment, StepAssessment, TrustLevel } from '../types.js';
import { policyReasons } from './reasons.js';
import type { AssessStepDeps, AssessStepInput } from './types.js';

// why no zod here: this is the hot path, and its inputs are values the edges already parsed
// (extractPlan, verifyAgentCredential, validateToolDefinition); only cheap invariants are checked.
/** Assess one step of a plan. Throws only on caller errors (unknown step, invalid time). */
export function assessStep(input: AssessStepInput, deps: AssessStepDeps): StepAssessment {
  const { plan, stepId, tool, identity, budget, now } = input;
  if (Number.isNaN(now.getTime())) throw new InterceptorError('BAD_USER_INPUT', 'invalid assess input: `now` is not a valid date', { issues: [{ path: 'now', message: 'invalid date' }] });
  const step = plan.steps.find((s) => s.stepId === stepId);
  if (!step) throw new InterceptorError('NOT_FOUND', `step \`${stepId}\` is not in the plan \`${plan.planId}\``, { issues: [{ path: 'stepId', message: 'unknown step' }] });
  const provenance = resolveStepProvenance(plan, stepId);
  const signals = scanArgs(step.args);
  const known = tool !== undefined && tool.name === step.tool;
  const riskInput = {
    ...(known ? { tool } : {}),
    toolName: step.tool,
    args: step.args,
    provenance,
    injectionSignals: signals,
    ...(budget ? { budget: { fractionUsed: safeFraction(budget.fractionUsed) } } : {}),
    delegationDepth: identity.actingFor.length,
    unknownTool: !known,
  };
  // why two paths: everything but the delegation depth was computed just above and is valid by
  // construction; only an over-long delegation chain needs the validating entry point (which rejects it)
  const risk = riskInput.delegationDepth <= MAX_DELEGATION_DEPTH ? scoreRisk(riskInput) : assessRisk(riskInput);
  const base = { stepId, tool: step.tool, risk, tainted: provenance.tainted, taintSources: provenance.taintSources, argsDigest: digestJson(step.args), evaluatedAt: now.toISOString() };
  const capability = validateToolCall({ ...(tool ? { tool } : {}), toolName: step.tool, args: step.args, identity });
  if (!capability.ok || !known) {
    const reasons = capability.ok ? [] : capability.reasons;
    return { ...base, decision: 'DENY', reasons, determiningPolicies: [], policySetVersion: deps.policy.version };
  }
  const response = evaluate(deps.policy, policyRequest(input, step, tool, provenance, signals, risk), { cache: deps.decisionCache !== false, engine: deps.policyEngine ?? 'auto' });
  return {
    ...base,
    decision: response.decision,
    reasons: policyReasons(deps.policy, response),
    determiningPolicies: response.diagnostics.reasons,
    policySetVersion: response.policySetVersion,
  };
}

function policyRequest(input: AssessStepInput, step: PlanStep, tool: NonNullable<AssessStepInput['tool']>, provenance: StepProvenance, signals: InjectionSignal[], risk: RiskAssessment): PolicyRequest {
  const argTrust: Record<string, TrustLevel> = {};
  for (const [name, p] of Object.entries(provenance.args)) argTrust[name] = p.effectiveTrust;
  return {
    action: 'call_tool',
    principal: input.identity,
    tool: input.server === undefined ? tool : { ...tool, server: input.server },
    call: {
      args: step.args,
      argTrust,
      tainted: provenance.tainted,
      taintSources: provenance.taintSources,
      lowestTrust: provenance.lowestTrust,
      risk: { score: risk.score, level: risk.level },
      injectionSignals: signals.length,
      ...(input.budget ? { budget: input.budget } : {}),
    },
    now: input.now,
  };
}

/** The longest delegation chain the risk model accepts (see RiskInputScalarsSchema). */
const MAX_DELEGATION_DEPTH = 1000;

/** A fraction the risk model accepts; unreadable means spent (fail closed). */
function safeFraction(f: number): number {
  return Number.isFinite(f) ? Math.min(Math.max(f, 0), 1e6) : 1;
}

/**
 * Whether an exhausted budget is what denies the step: the same request with the budget not
 * exhausted is not denied. why ask: only then may the denial name the budget and when it resets,
 * and a denial another policy decides must not promise a retry time.
 */
export function budgetDenies(input: AssessStepInput, deps: AssessStepDeps, assessed: StepAssessment): boolean {
  if (assessed.decision !== 'DENY' || !input.budget?.exhausted) return false;
  const withBudgetLeft = { ...input, budget: { fractionUsed: Math.min(input.budget.fractionUsed, 0.99), exhausted: false } };
  return assessStep(withBudgetLeft, deps).decision !== 'DENY';
}
