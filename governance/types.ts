/**
 * @module Shared domain types of the governance core. Pure data: no I/O. Every module in
 * governance/, the workflow's activities, the MCP proxy's local mode and the what-if replay speak
 * these shapes. Schemas are zod so that the edges can parse them once.
 */
import { z } from 'zod';

// ---- provenance -------------------------------------------------------------------------------

/** Trust ordered from most to least trusted. */
export const TRUST_LEVELS = ['trusted', 'internal', 'external', 'untrusted'] as const;
export const TrustLevelSchema = z.enum(TRUST_LEVELS);
export type TrustLevel = z.infer<typeof TrustLevelSchema>;

/**
 * `user`, `system`, `agent`, `retrieval:<name>` or `tool_output:<tool>` (tool output of step <stepId> is `tool_output:<tool>#<stepId>`).
 * why `:` is allowed after `tool_output:`: tool names and step ids may contain `:` (e.g. `mcp:github/create_issue`).
 */
export const SourceSchema = z.string().regex(/^(user|system|agent|retrieval:[\w.\-/]{1,128}|tool_output:[\w.\-/:]{1,128}(#[\w.\-:]{1,128})?)$/, 'must be `user`, `system`, `agent`, `retrieval:<name>` or `tool_output:<tool>`');
export type Source = z.infer<typeof SourceSchema>;

export const ProvenanceSchema = z.object({
  source: SourceSchema,
  trust: TrustLevelSchema,
  /** Step ids whose output this argument was derived from (taint flows along these). */
  derivedFrom: z.array(z.string()).default([]),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

// ---- plan -------------------------------------------------------------------------------------

export const StepIdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:\-]+$/, 'must use letters, digits, `_`, `.`, `:` or `-`');
export const ToolNameSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:\-/]+$/, 'must use letters, digits, `_`, `.`, `:`, `/` or `-`');

export const PlanStepSchema = z.object({
  stepId: StepIdSchema,
  tool: ToolNameSchema,
  args: z.record(z.string(), z.unknown()),
  dependsOn: z.array(StepIdSchema).default([]),
  /** Provenance per top-level argument name; arguments without an entry take the plan's default. */
  provenance: z.record(z.string(), ProvenanceSchema).default({}),
  rationale: z.string().max(4000).optional(),
});
export type PlanStep = z.infer<typeof PlanStepSchema>;

export const ExecutionPlanSchema = z.object({
  planId: z.string().min(1).max(128),
  goal: z.string().max(4000),
  steps: z.array(PlanStepSchema).min(1).max(1000),
});
export type ExecutionPlan = z.infer<typeof ExecutionPlanSchema>;

export const PLAN_FORMATS = ['native', 'openai_chat', 'openai_responses', 'anthropic', 'mcp', 'text'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

// ---- tools ------------------------------------------------------------------------------------

export const SIDE_EFFECTS = ['read', 'write', 'external', 'irreversible'] as const;
export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const ToolDefinitionSchema = z.object({
  name: ToolNameSchema,
  description: z.string().max(4000).default(''),
  /** JSON Schema (draft 2020-12 subset) for the arguments object. */
  argsSchema: z.record(z.string(), z.unknown()),
  requiredCapability: z.string().min(1).max(128),
  riskLevel: z.enum(RISK_LEVELS),
  sideEffect: z.enum(SIDE_EFFECTS),
  /** Cost model: a fixed USD amount per call plus optional per-unit pricing. */
  cost: z.object({ perCallUsd: z.number().min(0).default(0), perTokenUsd: z.number().min(0).default(0) }).default({ perCallUsd: 0, perTokenUsd: 0 }),
  /** Argument names that hold filesystem paths (checked for traversal). */
  pathArgs: z.array(z.string()).default([]),
  /** Argument names that hold URLs, and the URL prefixes they may point at. */
  urlArgs: z.array(z.string()).default([]),
  urlAllowlist: z.array(z.string()).default([]),
  maxStringLength: z.number().int().positive().default(10_000),
  /** For registered HTTP tools: the endpoint that executes the tool (POST, JSON); must match `urlAllowlist`. */
  endpoint: z.string().url().max(2048).optional(),
});
export type ToolDefinition = z.infer<typeof ToolDefinitionSchema>;

// ---- identity ---------------------------------------------------------------------------------

export interface AgentIdentity {
  agentId: string;
  tenant: string;
  capabilities: string[];
  /** Delegation chain, outermost first: the users (or services) the agent acts for. */
  actingFor: string[];
  credentialId: string; // jti
  keyId: string; // kid
  expiresAt: string; // ISO
}

// ---- decisions --------------------------------------------------------------------------------

export const DECISIONS = ['ALLOW', 'DENY', 'REQUIRE_APPROVAL'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface RiskFactor {
  code: string;
  weight: number;
  explanation: string;
}
export interface RiskAssessment {
  score: number; // 0..100
  level: RiskLevel;
  factors: RiskFactor[];
}

export interface PolicyDiagnostics {
  /** Ids of the determining policies (forbids for DENY, approval policies for REQUIRE_APPROVAL, permits for ALLOW). */
  reasons: string[];
  errors: { policyId: string; message: string }[];
}

export interface PolicyResponse {
  decision: Decision;
  diagnostics: PolicyDiagnostics;
  policySetVersion: string;
  evaluatedAt: string;
}

/** A reason in words, with a stable code. */
export interface DecisionReason {
  code: string;
  message: string;
  policyId?: string;
  /** When asking again can succeed (ISO 8601, UTC): set when an exhausted budget's window resets. */
  retryAt?: string;
}

/** The full outcome of assessing one step: what the workflow records and the API shows. */
export interface StepAssessment {
  stepId: string;
  tool: string;
  decision: Decision;
  reasons: DecisionReason[];
  determiningPolicies: string[];
  policySetVersion: string;
  risk: RiskAssessment;
  tainted: boolean;
  taintSources: string[];
  argsDigest: string;
  evaluatedAt: string;
  /** Inputs recorded so that a what-if replay can re-decide exactly this step under another policy. */
  inputs?: {
    /** digestJson of the tool definition used (absent for an unknown tool). */
    toolDigest?: string;
    budget?: { fractionUsed: number; exhausted: boolean };
    /** The step's arguments after step-output references were resolved. */
    args: Record<string, unknown>;
  };
}
