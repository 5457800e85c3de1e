/**
 * @module Zod schemas for every GraphQL input, beyond what SDL scalars check: lengths, character sets,
 * sizes, and the "exactly one of" rules. Resolvers call `parseOrFail(schema, args, 'input')`, so every
 * issue names its field. GraphQL enum values (upper case) are mapped to the domain's spellings here.
 */
import { z } from 'zod';
import { parseOrFail } from '../lib/validation.js';
import { ROLES } from './access.js';

export const MAX_PLAN_BYTES = 1024 * 1024;

const lower = <T extends string>(values: readonly T[]) =>
  z.enum(values.map((v) => v.toUpperCase()) as [string, ...string[]]).transform((v) => v.toLowerCase() as T);

export const TenantSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 letters, digits, `_`, `.`, `:` or `-`');
export const IdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'must use letters, digits, `_`, `.`, `:` or `-`');
const CapabilitySchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:\-/*]+$/, 'must use letters, digits, `_`, `.`, `:`, `/`, `*` or `-`');
const PrincipalNameSchema = z.string().min(1).max(256).regex(/^[^\s\u0000-\u001f]+$/, 'must not contain spaces or control characters');
const ReasonSchema = z.string().max(2000, 'must be at most 2000 characters');

export const PlanFormatSchema = lower(['native', 'openai_chat', 'openai_responses', 'anthropic', 'mcp', 'text'] as const);
export const RoleSchema = lower(ROLES);
export const RiskLevelSchema = lower(['low', 'medium', 'high', 'critical'] as const);

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

export const SubmitTaskInputSchema = z
  .object({
    goal: z.string().trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters'),
    plan: z.unknown().optional().nullable(),
    rawAgentOutput: z.string().max(MAX_PLAN_BYTES, `must be at most ${MAX_PLAN_BYTES} characters`).optional().nullable(),
    format: PlanFormatSchema.optional().nullable(),
    idempotencyKey: IdSchema.optional().nullable(),
    executor: z.enum(['WORKER', 'CALLER']).optional().nullable().transform((v) => (v === 'CALLER' ? 'caller' as const : 'worker' as const)),
    wait: z.enum(['DECISIONS', 'OUTCOME']).optional().nullable().transform((v) => (v === 'OUTCOME' ? 'outcome' as const : 'decisions' as const)),
  })
  .superRefine((v, ctx) => {
    const hasPlan = v.plan !== undefined && v.plan !== null;
    const hasRaw = v.rawAgentOutput !== undefined && v.rawAgentOutput !== null;
    if (hasPlan === hasRaw) {
      ctx.addIssue({ code: 'custom', path: hasPlan ? ['rawAgentOutput'] : ['plan'], message: 'give exactly one of `plan` or `rawAgentOutput`' });
    }
    if (hasPlan && jsonBytes(v.plan) > MAX_PLAN_BYTES) {
      ctx.addIssue({ code: 'custom', path: ['plan'], message: `must be at most ${MAX_PLAN_BYTES} bytes of JSON` });
    }
    if (hasPlan && (typeof v.plan !== 'object' || Array.isArray(v.plan)) && v.format !== 'mcp') {
      ctx.addIssue({ code: 'custom', path: ['plan'], message: 'must be a JSON object' });
    }
  });
export type SubmitTaskInput = z.output<typeof SubmitTaskInputSchema>;

export const MAX_RESULT_BYTES = 1024 * 1024;

export const ReportToolResultInputSchema = z
  .object({
    taskId: IdSchema,
    stepId: z.string().min(1).max(128),
    ok: z.boolean(),
    result: z.unknown().optional().nullable(),
    error: z.object({ code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be an upper-case code like `UPSTREAM_ERROR`'), message: z.string().min(1).max(2000) }).optional().nullable(),
    usage: z.object({
      costUsd: z.number().min(0).max(1e6).default(0),
      tokens: z.number().int().min(0).max(1e9).default(0),
      wallTimeMs: z.number().int().min(0).max(86_400_000).default(0),
    }).optional().nullable(),
  })
  .superRefine((v, ctx) => {
    if (v.ok && v.error) ctx.addIssue({ code: 'custom', path: ['error'], message: 'must be absent when `ok` is true' });
    if (!v.ok && !v.error) ctx.addIssue({ code: 'custom', path: ['error'], message: 'is required when `ok` is false' });
    if (!v.ok && v.result !== undefined && v.result !== null) ctx.addIssue({ code: 'custom', path: ['result'], message: 'must be absent when `ok` is false' });
    if (v.result !== undefined && jsonBytes(v.result) > MAX_RESULT_BYTES) ctx.addIssue({ code: 'custom', path: ['result'], message: `must be at most ${MAX_RESULT_BYTES} bytes of JSON` });
  });
export type ReportToolResultInput = z.output<typeof ReportToolResultInputSchema>;

export const DecideApprovalInputSchema = z
  .object({
    approvalId: IdSchema,
    decision: z.enum(['APPROVE', 'DENY']),
    reason: ReasonSchema.optional().nullable(),
    binding: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits').optional().nullable(),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'DENY' && !v.reason?.trim()) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'is required when denying' });
  });

export const CancelTaskArgsSchema = z.object({ id: IdSchema, reason: ReasonSchema.optional().nullable() });

const TtlSchema = z.number().int().min(60, 'must be at least 60 seconds').max(7 * 86_400, 'must be at most 7 days');
const ActingForSchema = z.array(PrincipalNameSchema).max(8, 'at most 8 principals');

export const RegisterAgentInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  capabilities: z.array(CapabilitySchema).max(100, 'at most 100 capabilities'),
  tenant: TenantSchema.optional().nullable(),
  actingFor: ActingForSchema.optional().nullable(),
  ttlSeconds: TtlSchema.optional().nullable(),
});

export const IssueAgentCredentialInputSchema = z.object({
  agentId: IdSchema,
  tenant: TenantSchema.optional().nullable(),
  actingFor: ActingForSchema.optional().nullable(),
  ttlSeconds: TtlSchema.optional().nullable(),
});

export const IssueApiKeyInputSchema = z.object({
  subject: PrincipalNameSchema,
  roles: z.array(RoleSchema).min(1, 'give at least one role').max(4).refine((r) => new Set(r).size === r.length, 'roles must not repeat'),
  tenant: TenantSchema.optional().nullable(),
});

const JsonObject = z.record(z.string(), z.unknown());

export const RegisterToolInputSchema = z.object({
  name: z.string().min(1).max(128),
  description: z.string().max(4000).optional().nullable(),
  argsSchema: JsonObject.refine((s) => jsonBytes(s) <= 64 * 1024, 'must be at most 64 KiB of JSON'),
  requiredCapability: CapabilitySchema,
  riskLevel: RiskLevelSchema,
  sideEffect: lower(['read', 'write', 'external', 'irreversible'] as const),
  costPerCallUsd: z.number().min(0).max(1_000_000).optional().nullable(),
  pathArgs: z.array(z.string().min(1).max(128)).max(32).optional().nullable(),
  urlArgs: z.array(z.string().min(1).max(128)).max(32).optional().nullable(),
  urlAllowlist: z.array(z.string().min(1).max(2048)).max(100).optional().nullable(),
  maxStringLength: z.number().int().min(1).max(1_048_576).optional().nullable(),
  endpoint: z.string().url().max(2048).optional().nullable(),
  tenant: TenantSchema.optional().nullable(),
});

export const PublishPolicySetInputSchema = z.object({
  cedar: z.string().min(1, 'must not be empty').max(512 * 1024, 'must be at most 512 KiB'),
  description: z.string().max(2000).optional().nullable(),
  tenant: TenantSchema.optional().nullable(),
});

export const ActivatePolicySetArgsSchema = z.object({
  version: z.string().min(1).max(128).regex(/^[A-Za-z0-9_:-]+$/, 'must be a policy set version'),
  tenant: TenantSchema.optional().nullable(),
});

export const SetBudgetInputSchema = z
  .object({
    scope: lower(['tenant', 'agent', 'task'] as const),
    scopeId: IdSchema.optional().nullable(),
    metric: lower(['cost_usd', 'tool_calls', 'tokens', 'wall_time_ms'] as const),
    window: lower(['task', 'day', 'month'] as const),
    limit: z.number().finite().min(0).max(1e15),
    tenant: TenantSchema.optional().nullable(),
  })
  .superRefine((v, ctx) => {
    if (v.scope === 'tenant' && v.scopeId) ctx.addIssue({ code: 'custom', path: ['scopeId'], message: 'must be empty for TENANT scope' });
  });

export const PageArgsSchema = z.object({
  first: z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100').nullable().optional().transform((v) => v ?? 20),
  after: z.string().max(512).optional().nullable(),
});

export const TaskFilterSchema = z
  .object({
    status: z.enum(['RUNNING', 'AWAITING_APPROVAL', 'COMPLETED', 'PARTIALLY_BLOCKED', 'BLOCKED', 'FAILED', 'CANCELLED']).optional().nullable(),
    agentId: IdSchema.optional().nullable(),
    tenant: TenantSchema.optional().nullable(),
    riskLevel: RiskLevelSchema.optional().nullable(),
    tool: z.string().min(1).max(128).optional().nullable(),
    from: z.date().optional().nullable(),
    to: z.date().optional().nullable(),
  })
  .nullable()
  .optional()
  .transform((v) => v ?? {});

export const IdArgSchema = z.object({ id: IdSchema });

/** Parse a mutation's `input` argument; issue paths start at `input` (e.g. `input.plan`). */
export function parseInput<S extends z.ZodType>(schema: S, args: { input?: unknown }): z.output<S> {
  const parsed = parseOrFail(z.object({ input: schema }), args, 'input') as { input: z.output<S> };
  return parsed.input;
}
