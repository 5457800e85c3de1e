import { parseInput } from '../../inputs.js';
import { PolicyDriftInputSchema } from '../../services/forensics/inputs.js';
import type { DriftReportModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

/** The decisions of the tenant's recent tasks that another policy would change, grouped by policy. */
export const policyDriftReport: Resolver<{ input: unknown }, DriftReportModel> = (_p, args, ctx) =>
  ctx.services.forensics.drift(ctx.viewer, parseInput(PolicyDriftInputSchema, args));
