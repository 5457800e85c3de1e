import { z } from 'zod';
import { parseOrFail } from '../../../lib/validation.js';
import type { ApiKeyModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

const ArgsSchema = z.object({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be an API key id') });

export const revokeApiKey: Resolver<{ id: string }, ApiKeyModel> = (_p, args, ctx) => {
  const { id } = parseOrFail(ArgsSchema, args, 'arguments');
  return ctx.services.apiKeys.revoke(ctx.viewer, id);
};
