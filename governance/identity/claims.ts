/**
 * @module The claims of an agent credential and the RFC 8693 delegation chain. `sub` is the agent;
 * `act` nests the principals it acts for, outermost first: `{ sub: 'alice', act: { sub: 'svc-x' } }`
 * reads "acting for alice, who acts through svc-x".
 */
import { z } from 'zod';

/** Deepest delegation chain accepted; longer chains are refused rather than truncated. */
export const MAX_DELEGATION_DEPTH = 8;

const principal = z.string().min(1).max(256);

export interface ActClaim {
  sub: string;
  act?: ActClaim;
}

export const ActClaimSchema: z.ZodType<ActClaim> = z.lazy(() =>
  z.object({ sub: principal, act: ActClaimSchema.optional() }),
);

export const AgentClaimsSchema = z.object({
  sub: z.string().min(1).max(128),
  tenant: z.string().min(1).max(128),
  capabilities: z.array(z.string().min(1).max(128)).max(256),
  act: ActClaimSchema.optional(),
  jti: z.string().min(1).max(128),
  iss: z.string().min(1),
  aud: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  iat: z.number().int(),
  nbf: z.number().int(),
  exp: z.number().int(),
});
export type AgentClaims = z.infer<typeof AgentClaimsSchema>;

/** Nest a chain (outermost first) into an `act` claim; undefined for an empty chain. */
export function actFromChain(chain: readonly string[]): ActClaim | undefined {
  let act: ActClaim | undefined;
  for (let i = chain.length - 1; i >= 0; i--) act = act === undefined ? { sub: chain[i]! } : { sub: chain[i]!, act };
  return act;
}

/** Flatten an `act` claim into the chain, outermost first; null when it nests deeper than MAX_DELEGATION_DEPTH. */
export function chainFromAct(act: ActClaim | undefined): string[] | null {
  const chain: string[] = [];
  for (let a = act; a !== undefined; a = a.act) {
    if (chain.length === MAX_DELEGATION_DEPTH) return null;
    chain.push(a.sub);
  }
  return chain;
}
