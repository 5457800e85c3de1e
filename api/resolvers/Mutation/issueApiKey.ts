import { IssueApiKeyInputSchema, parseInput } from '../../inputs.js';
import type { ApiKeyModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

export const issueApiKey: Resolver<{ input: unknown }, { apiKey: ApiKeyModel; key: string }> = (_p, args, ctx) => {
  const input = parseInput(IssueApiKeyInputSchema, args);
  return ctx.services.apiKeys.issue(ctx.viewer, input);
};
