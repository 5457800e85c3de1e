import type { EvidenceService } from '../../services/types.js';
import type { Resolver } from '../types.js';

/** The JWKS of the evidence signing keys. */
export const evidencePublicKeys: Resolver<Record<string, never>, Awaited<ReturnType<EvidenceService['publicKeys']>>> = (_p, _args, ctx) =>
  ctx.services.evidence.publicKeys(ctx.viewer);
