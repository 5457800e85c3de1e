import { parseOrFail } from '../../../lib/validation.js';
import { VerifyEvidenceArgsSchema } from '../../services/forensics/inputs.js';
import type { EvidenceVerificationModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

/** Verify a bundle against this server's evidence keys. */
export const verifyEvidence: Resolver<{ bundle: string }, EvidenceVerificationModel> = (_p, args, ctx) =>
  ctx.services.evidence.verify(ctx.viewer, parseOrFail(VerifyEvidenceArgsSchema, args, 'arguments').bundle);
