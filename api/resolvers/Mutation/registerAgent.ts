import { RegisterAgentInputSchema, parseInput } from '../../inputs.js';
import type { AgentModel, IssuedCredentialModel } from '../../services/types.js';
import type { Resolver } from '../types.js';

export const registerAgent: Resolver<{ input: unknown }, { agent: AgentModel; credential: IssuedCredentialModel }> = (_p, args, ctx) => {
  const input = parseInput(RegisterAgentInputSchema, args);
  return ctx.services.agents.register(ctx.viewer, input);
};
