import { z } from 'zod';
import { parseOrFail } from '../../../lib/validation.js';
import { TaskIdSchema } from '../../services/forensics/inputs.js';
import type { DeterminismCheckModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

const ArgsSchema = z.object({ taskId: TaskIdSchema });

/** Replays a task's history against the workflow code running now. */
export const determinismCheck: Resolver<{ taskId: string }, DeterminismCheckModel> = (_p, args, ctx) =>
  ctx.services.forensics.determinism(ctx.viewer, parseOrFail(ArgsSchema, args, 'arguments').taskId);
