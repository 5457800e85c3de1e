import { IssueAgentCredentialInputSchema, parseInput } from '../../inputs.js';
import type { IssuedCredentialModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

export const issueAgentCredential: Resolver<{ input: unknown }, IssuedCredentialModel> = (_p, args, ctx) => {
  const input = parseInput(IssueAgentCredentialInputSchema, args);
  return ctx.services.agents.issueCredential(ctx.viewer, input);
};
