/** @module Types of the policy engine: compiled policy sets, compile errors and decision requests. */
import type { RiskLevel, TrustLevel } from '../types.js';
import type { NativeAuthorizer } from './native/index.js';
import type { ShapeWithCache } from './request.js';
import type { PolicyAction } from './schema.js';
import type { SliceIndex } from './slices.js';

export type PolicyErrorCode =
  | 'TOO_LARGE'
  | 'PARSE'
  | 'SCHEMA'
  | 'VALIDATION'
  | 'TEMPLATE_UNSUPPORTED'
  | 'MISSING_ID'
  | 'INVALID_ID'
  | 'DUPLICATE_ID'
  | 'INVALID_ANNOTATION';

/** A problem found while compiling a policy set. line/column are 1-based, in characters. */
export interface PolicyError {
  code: PolicyErrorCode;
  message: string;
  line: number;
  column: number;
  policyId?: string;
  help?: string;
}

/** What the engine knows about one policy of a compiled set. */
export interface PolicyMeta {
  id: string;
  effect: 'permit' | 'forbid';
  /** `@decision("require_approval")`: a permit that only permits with approval, or a forbid a person may lift. */
  approval: boolean;
  /** `@reason("...")`, the reason in words shown to agents and approvers. */
  reason?: string;
  line: number;
}

/**
 * A policy set ready for evaluation. `status: 'invalid'` sets deny every request (fail closed).
 * INVARIANT: `cedar` holds the same policies as `text`, keyed by `@id`, with approval forbids
 * rewritten as permits so one Cedar call tells which of them are satisfied (see evaluate.ts).
 */
export interface CompiledPolicySet {
  readonly version: string;
  readonly status: 'ready' | 'invalid';
  readonly text: string;
  readonly policies: readonly PolicyMeta[];
  readonly loadErrors: readonly PolicyError[];
  /** @internal */
  readonly cedar: Readonly<Record<string, string>>;
  /** @internal */
  readonly byId: ReadonlyMap<string, PolicyMeta & { order: number }>;
  /** @internal What the policies read, so requests carry nothing else. */
  readonly shape: ShapeWithCache;
  /** @internal Which policies can apply to which request. */
  readonly slices: SliceIndex;
  /**
   * @internal The policies compiled to TypeScript closures (the fast path), absent when some
   * policy uses a construct the native evaluator does not support: the set then runs on cedar-wasm.
   */
  readonly native?: NativeAuthorizer;
  /** @internal Why `native` is absent, for benchmarks and diagnostics. */
  readonly nativeUnsupported?: string;
}

export type CompileResult =
  | { ok: true; policySet: CompiledPolicySet; warnings: PolicyError[] }
  | { ok: false; version: string; errors: PolicyError[] };

export interface CompileOptions {
  /** Cedar schema text to validate against; defaults to POLICY_SCHEMA; `false` checks syntax only. */
  schema?: string | false;
}

// ---- requests ---------------------------------------------------------------------------------

export interface PolicyPrincipal {
  agentId: string;
  tenant: string;
  capabilities: readonly string[];
  /** Outermost first; its length is the delegation depth. */
  actingFor: readonly string[];
}

export interface PolicyTool {
  name: string;
  riskLevel: RiskLevel;
  sideEffect: string;
  requiredCapability: string;
  /** MCP server name; "builtin" when absent. */
  server?: string;
}

/** Facts about one tool call, computed by capability, provenance and risk before Cedar runs. */
export interface CallFacts {
  args: Readonly<Record<string, unknown>>;
  /** Effective trust per top-level argument; missing arguments take `lowestTrust`. */
  argTrust?: Readonly<Record<string, TrustLevel>>;
  tainted: boolean;
  taintSources: readonly string[];
  lowestTrust: TrustLevel;
  risk: { score: number; level: RiskLevel };
  injectionSignals: number;
  /** fractionUsed is a fraction (0.5 = half); Cedar sees it as a whole percent. */
  budget?: { fractionUsed: number; exhausted: boolean };
}

interface RequestBase {
  principal: PolicyPrincipal;
  /** The decision time; pure code never reads the clock. */
  now: Date;
}

export type PolicyRequest =
  | (RequestBase & { action: 'call_tool'; tool: PolicyTool; call: CallFacts })
  | (RequestBase & { action: 'list_tool'; tool: PolicyTool })
  | (RequestBase & { action: 'read_resource'; resource: { uri: string; server: string } })
  | (RequestBase & { action: 'get_prompt'; prompt: { name: string; server: string } });

export type { PolicyAction };
