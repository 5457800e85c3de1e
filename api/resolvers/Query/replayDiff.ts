import { parseOrFail } from '../../../lib/validation.js';
import { ReplayDiffArgsSchema } from '../../services/forensics/inputs.js';
import type { ReplayDiffModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

/** Two tasks of the viewer's tenant compared step by step (investigators and admins). */
export const replayDiff: Resolver<{ left: string; right: string }, ReplayDiffModel> = (_p, args, ctx) =>
  ctx.services.forensics.diff(ctx.viewer, parseOrFail(ReplayDiffArgsSchema, args, 'arguments'));
