/**
 * @module The governance seam of the proxy. The protocol core asks a CallGovernor for a verdict on
 * each tools/call and reports the outcome back; local mode decides in process, durable mode turns
 * the call into a governed task through the API. Both implement this one interface.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { AgentIdentity, DecisionReason, StepAssessment } from '../../governance/types.js';

export interface GovernedCall {
  identity: AgentIdentity;
  /** The bearer credential the agent presented (durable mode submits with it). */
  token: string;
  sessionId: string;
  /** Unique per call within the proxy; the step id of the call's one-step plan. */
  callId: string;
  server: string;
  /** The upstream tool as listed (its name is the upstream's, not the exposed one). */
  tool: Tool;
  args: Record<string, unknown>;
  /** Provenance sources (earlier outputs of this session) each top-level argument derives from. */
  derivedFrom: Record<string, string[]>;
}

/** Stable codes an agent may see on a refused call. */
export type DenyCode =
  | 'POLICY_DENIED'
  | 'APPROVAL_REQUIRED'
  | 'APPROVAL_DENIED'
  | 'UNKNOWN_TOOL'
  | 'MISSING_CAPABILITY'
  | 'BUDGET_EXCEEDED'
  | 'PIN_VIOLATION'
  | 'EVALUATION_FAILED';

export type Verdict =
  /** `allowanceUsd`: local mode, what the call was charged to the agent's daily allowance. */
  | { decision: 'ALLOW'; assessment?: StepAssessment; taskId?: string; allowanceUsd?: number }
  | { decision: 'DENY'; code: DenyCode; reasons: DecisionReason[]; assessment?: StepAssessment; taskId?: string };

export interface DecideContext {
  signal: AbortSignal;
  /** Tell the agent the call is still waiting (durable mode, while a person decides). */
  progress?: (message: string) => Promise<void>;
}

export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

export interface CallGovernor {
  readonly mode: 'local' | 'durable';
  /**
   * Decide one call. Resolves DENY for every refusal (fail closed on internal errors); throws only an
   * McpError InvalidParams when the arguments are malformed.
   */
  decide(call: GovernedCall, ctx: DecideContext): Promise<Verdict>;
  /** Record what the upstream returned for an allowed call. */
  recordOutcome(call: GovernedCall, verdict: Verdict, outcome: CallOutcome): Promise<void>;
  /** Finish work still in flight (durable mode: results being reported to the API). */
  drain?(): Promise<void>;
}
