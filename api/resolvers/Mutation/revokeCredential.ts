import { z } from 'zod';
import { parseOrFail } from '../../../lib/validation.js';
import type { CredentialModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

// why: credential ids are UUIDs (jti) but are only looked up, so any short id-like string is accepted.
const ArgsSchema = z.object({ id: z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'must be a credential id') });

export const revokeCredential: Resolver<{ id: string }, CredentialModel> = (_p, args, ctx) => {
  const { id } = parseOrFail(ArgsSchema, args, 'arguments');
  return ctx.services.agents.revokeCredential(ctx.viewer, id);
};
