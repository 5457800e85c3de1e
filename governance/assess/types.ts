/** @module Input of assessStep. */
import type { AgentIdentity, ExecutionPlan, ToolDefinition } from '../types.js';
import type { CompiledPolicySet } from '../policy/index.js';

export interface AssessStepInput {
  plan: ExecutionPlan;
  stepId: string;
  /** The registered definition of the step's tool; absent when the tool is unknown. */
  tool?: ToolDefinition;
  /** MCP server serving the tool; "builtin" when absent. */
  server?: string;
  identity: AgentIdentity;
  budget?: { fractionUsed: number; exhausted: boolean };
  /** Decision time (pure code never reads the clock). */
  now: Date;
}

export interface AssessStepDeps {
  policy: CompiledPolicySet;
  /** Reuse cedar-wasm verdicts of identical requests (default true; benchmarks turn it off). */
  decisionCache?: boolean;
  /** Which Cedar evaluator decides (see EvaluateOptions.engine); default 'auto' (native first). */
  policyEngine?: 'auto' | 'cedar-wasm';
}
