/**
 * @module Arguments of the forensics fields, validated once at the resolver edge. Limits keep one
 * request bounded: draft Cedar as large as a publishable set, at most 1,000 tasks in a drift report,
 * bundles no larger than the request body limit (bigger ones are verified offline with the CLI).
 */
import { z } from 'zod';
import { DEFAULT_MAX_BODY_BYTES } from '../../limits/body-limit.js';

export const MAX_DRAFT_CEDAR_CHARS = 512 * 1024;
export const MAX_DRIFT_TASKS = 1000;
export const DEFAULT_DRIFT_TASKS = 50;
/** why the body limit: a bundle arrives inside the request body, which is never buffered beyond it. */
export const MAX_BUNDLE_CHARS = DEFAULT_MAX_BODY_BYTES;

export const TaskIdSchema = z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters');

const PolicySetIdSchema = z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters');
const CedarSchema = z.string().min(1, 'must not be empty').max(MAX_DRAFT_CEDAR_CHARS, `must be at most ${MAX_DRAFT_CEDAR_CHARS} characters`);

/** Exactly one of a stored policy set (by version) or draft Cedar text. */
export type PolicySource = { policySetId: string; cedar?: undefined } | { cedar: string; policySetId?: undefined };

const exactlyOne = (v: { policySetId?: string | null; cedar?: string | null }, ctx: z.RefinementCtx): void => {
  const given = [v.policySetId, v.cedar].filter((x) => x !== undefined && x !== null).length;
  if (given !== 1) {
    const message = given === 0 ? 'give one of `policySetId` or `cedar`' : 'give only one of `policySetId` or `cedar`, not both';
    ctx.addIssue({ code: 'custom', path: ['policySetId'], message });
  }
};

const toSource = (v: { policySetId?: string | null; cedar?: string | null }): PolicySource =>
  (v.policySetId ? { policySetId: v.policySetId } : { cedar: v.cedar! });

export const ReplayDiffArgsSchema = z.object({ left: TaskIdSchema, right: TaskIdSchema });

export const WhatIfArgsSchema = z
  .object({ taskId: TaskIdSchema, policySetId: PolicySetIdSchema.nullish(), cedar: CedarSchema.nullish() })
  .superRefine(exactlyOne)
  .transform((v) => ({ taskId: v.taskId, policy: toSource(v) }));
export type WhatIfArgs = z.output<typeof WhatIfArgsSchema>;

export const PolicyDriftInputSchema = z
  .object({
    policySetId: PolicySetIdSchema.nullish(),
    cedar: CedarSchema.nullish(),
    lastN: z.number().int('must be an integer').min(1, 'must be at least 1').max(MAX_DRIFT_TASKS, `must be at most ${MAX_DRIFT_TASKS}`).nullish(),
    since: z.date().nullish(),
    until: z.date().nullish(),
  })
  .superRefine(exactlyOne)
  .superRefine((v, ctx) => {
    if (v.since && v.until && v.since.getTime() >= v.until.getTime()) ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be after `since`' });
  })
  .transform((v) => ({
    policy: toSource(v),
    lastN: v.lastN ?? DEFAULT_DRIFT_TASKS,
    ...(v.since ? { since: v.since } : {}),
    ...(v.until ? { until: v.until } : {}),
  }));
export type PolicyDriftInput = z.output<typeof PolicyDriftInputSchema>;

export const VerifyEvidenceArgsSchema = z.object({
  bundle: z.string().min(1, 'must not be empty').max(MAX_BUNDLE_CHARS, `must be at most ${MAX_BUNDLE_CHARS} characters; verify larger bundles offline with \`interceptor evidence verify\``),
});
