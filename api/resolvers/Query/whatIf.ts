import { parseOrFail } from '../../../lib/validation.js';
import { WhatIfArgsSchema } from '../../services/forensics/inputs.js';
import type { WhatIfModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

/** A recorded task re-decided under a stored policy set or draft Cedar (exactly one). */
export const whatIf: Resolver<{ taskId: string; policySetId?: string | null; cedar?: string | null }, WhatIfModel> = (_p, args, ctx) =>
  ctx.services.forensics.whatIf(ctx.viewer, parseOrFail(WhatIfArgsSchema, args, 'arguments'));
