import { z } from 'zod';
import { parseOrFail } from '../../../lib/validation.js';
import { TaskIdSchema } from '../../services/forensics/inputs.js';
import type { EvidenceExportModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

const ArgsSchema = z.object({ taskId: TaskIdSchema });

/** A signed, redacted evidence bundle of one task; the export is audited. */
export const exportEvidence: Resolver<{ taskId: string }, EvidenceExportModel> = (_p, args, ctx) =>
  ctx.services.evidence.export(ctx.viewer, parseOrFail(ArgsSchema, args, 'arguments').taskId);
