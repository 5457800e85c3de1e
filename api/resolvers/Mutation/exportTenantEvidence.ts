import { z } from 'zod';
import { parseOrFail } from '../../../lib/validation.js';
import type { TenantEvidenceExportModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

const MAX_RANGE_MS = 366 * 24 * 3600_000;

const ArgsSchema = z.object({ since: z.date(), until: z.date() }).superRefine((v, ctx) => {
  if (v.until.getTime() <= v.since.getTime()) ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be after `since`' });
  else if (v.until.getTime() - v.since.getTime() > MAX_RANGE_MS) ctx.addIssue({ code: 'custom', path: ['until'], message: 'the range may span at most a year' });
});

/** A signed, redacted evidence bundle of a tenant's tasks in a time range; the export is audited. */
export const exportTenantEvidence: Resolver<{ since: unknown; until: unknown }, TenantEvidenceExportModel> = (_p, args, ctx) =>
  ctx.services.evidence.exportRange(ctx.viewer, parseOrFail(ArgsSchema, args, 'arguments'));
