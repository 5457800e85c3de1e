/**
 * @module Local enforcement: each tools/call is decided in process with assessStep (capability,
 * schema, provenance and taint, injection signals, risk, Cedar), the same checks as the governed
 * path, against a locally cached policy set and a local budget. REQUIRE_APPROVAL cannot wait here,
 * so it is refused with APPROVAL_REQUIRED. Anything that cannot be evaluated is refused (fail closed).
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { assessStep, budgetDenies } from '../../governance/assess/index.js';
import { budgetRetry } from '../../governance/budget/index.js';
import type { CompiledPolicySet } from '../../governance/policy/index.js';
import { ToolDefinitionSchema, type DecisionReason, type ExecutionPlan, type Provenance, type StepAssessment, type ToolDefinition } from '../../governance/types.js';
import { isInterceptorError } from '../../lib/errors.js';
import type { AuditBuffer } from '../audit/buffer.js';
import { mappingFor, type ProxyGovernance, type ToolMapping } from '../config.js';
import type { LocalBudget } from './budget.js';
import type { CallGovernor, CallOutcome, DenyCode, GovernedCall, Verdict } from './types.js';
import { callAuditInput, outcomeAuditInput } from './audit-events.js';

export interface LocalGovernorDeps {
  policy: () => CompiledPolicySet;
  governance: ProxyGovernance;
  budget: LocalBudget;
  audit: AuditBuffer;
  now?: () => Date;
}

export function createLocalGovernor(deps: LocalGovernorDeps): CallGovernor {
  const now = deps.now ?? (() => new Date());
  const defs = new WeakMap<Tool, ToolDefinition | null>();
  const definitionOf = (server: string, tool: Tool): ToolDefinition | undefined => {
    let def = defs.get(tool);
    if (def === undefined) {
      const mapping = mappingFor(deps.governance, server, tool.name);
      def = mapping ? toDefinition(tool, mapping) : null;
      defs.set(tool, def);
    }
    return def ?? undefined;
  };
  return {
    mode: 'local',
    async decide(call) {
      const at = now();
      const verdict = decideNow(call, definitionOf(call.server, call.tool), deps, at);
      // INVARIANT: the decision is in the audit file before the upstream is called, and on disk before
      // the agent gets any answer: a refusal waits for its flush here; an allowed call's record is
      // flushed with its outcome's (recordOutcome), before the result is returned (one flush, not two).
      await deps.audit.append(callAuditInput(call, verdict, at), { wait: verdict.decision === 'ALLOW' ? 'written' : 'durable' });
      return verdict;
    },
    async recordOutcome(call, verdict, outcome: CallOutcome) {
      // INVARIANT: durable (the default) before the result or the upstream's error reaches the agent.
      await deps.audit.append(outcomeAuditInput(call, verdict, outcome, now()));
    },
  };
}

function decideNow(call: GovernedCall, def: ToolDefinition | undefined, deps: LocalGovernorDeps, at: Date): Verdict {
  let assessment: StepAssessment;
  let allowanceDenies = false;
  try {
    const plan = planOf(call);
    const request = { plan, stepId: plan.steps[0]!.stepId, ...(def ? { tool: def } : {}), server: call.server, identity: call.identity, budget: deps.budget.check(call.identity, at), now: at };
    const policy = { policy: deps.policy() };
    assessment = assessStep(request, policy);
    allowanceDenies = budgetDenies(request, policy, assessment);
  } catch (e) {
    return { decision: 'DENY', code: 'EVALUATION_FAILED', reasons: [{ code: 'EVALUATION_FAILED', message: `the call could not be evaluated: ${isInterceptorError(e) ? e.message : 'internal error'}` }] };
  }
  const schema = assessment.reasons.filter((r) => r.code === 'ARGS_SCHEMA' || r.code === 'TOO_DEEP');
  if (schema.length > 0) throw new McpError(ErrorCode.InvalidParams, `invalid arguments for tool \`${call.tool.name}\`: ${schema.map((r) => r.message).join('; ')}`);
  if (assessment.decision === 'REQUIRE_APPROVAL') return { decision: 'DENY', code: 'APPROVAL_REQUIRED', reasons: assessment.reasons, assessment };
  // why the allowance's own reason first: a denial the exhausted allowance explains says when it resets
  if (assessment.decision === 'DENY') {
    if (allowanceDenies) return { decision: 'DENY', code: 'BUDGET_EXCEEDED', reasons: [allowanceSpent(at), ...assessment.reasons], assessment };
    return { decision: 'DENY', code: denyCode(assessment), reasons: assessment.reasons, assessment };
  }
  const costUsd = def?.cost.perCallUsd ?? 0;
  if (!deps.budget.reserve(call.identity, costUsd, at)) return { decision: 'DENY', code: 'BUDGET_EXCEEDED', reasons: [allowanceSpent(at)], assessment };
  return { decision: 'ALLOW', assessment, allowanceUsd: costUsd };
}

function allowanceSpent(at: Date): DecisionReason {
  const retry = budgetRetry(['day'], at);
  return { code: 'BUDGET_EXCEEDED', message: `the agent has used its daily allowance of calls or cost: ${retry.hint}`, ...(retry.retryAt ? { retryAt: retry.retryAt } : {}) };
}

function denyCode(a: StepAssessment): DenyCode {
  if (a.reasons.some((r) => r.code === 'UNKNOWN_TOOL')) return 'UNKNOWN_TOOL';
  if (a.reasons.some((r) => r.code === 'MISSING_CAPABILITY')) return 'MISSING_CAPABILITY';
  return 'POLICY_DENIED';
}

/**
 * The call as a one-step plan, with each derived argument's provenance set to the output it came
 * from. why not extractPlan: the SDK has already parsed the JSON-RPC request, and extractPlan's
 * checks (object arguments, depth, size) are repeated by assessStep's capability validation; built
 * directly it costs microseconds instead of most of a millisecond.
 */
function planOf(call: GovernedCall): ExecutionPlan {
  const provenance: Record<string, Provenance> = {};
  for (const [arg, sources] of Object.entries(call.derivedFrom)) {
    if (sources.length > 0) provenance[arg] = { source: sources[0]!, trust: 'untrusted', derivedFrom: [] };
  }
  const step = { stepId: call.callId, tool: call.tool.name, args: call.args, dependsOn: [], provenance };
  return { planId: `proxy-${call.callId}`, goal: `MCP tools/call \`${call.tool.name}\``, steps: [step] };
}

/** An upstream tool as a ToolDefinition: its own input schema, the proxy file's capability, risk and cost. */
export function toDefinition(tool: Tool, m: ToolMapping): ToolDefinition | null {
  // why drop $schema: upstream schemas often name draft-07, which the 2020-12 validator cannot load;
  // the pin digest still covers the schema exactly as the upstream sent it.
  const { $schema: _ignored, ...argsSchema } = tool.inputSchema as Record<string, unknown>;
  const parsed = ToolDefinitionSchema.safeParse({
    name: tool.name,
    description: (tool.description ?? '').slice(0, 4000),
    argsSchema,
    requiredCapability: m.requiredCapability,
    riskLevel: m.riskLevel,
    sideEffect: m.sideEffect,
    cost: { perCallUsd: m.costUsd, perTokenUsd: 0 },
    pathArgs: m.pathArgs,
    urlArgs: m.urlArgs,
    urlAllowlist: m.urlAllowlist,
  });
  return parsed.success ? parsed.data : null;
}
