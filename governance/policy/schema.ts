/**
 * @module The Cedar schema the policy engine validates against. The same text is shipped as
 * policies/schema.cedarschema for editors and the Cedar CLI; a test keeps the two identical.
 * why a constant: compilePolicySet is pure and must validate without reading files.
 */

/** Actions a policy can govern; `call_tool` carries the full call context. */
export const POLICY_ACTIONS = ['call_tool', 'list_tool', 'read_resource', 'get_prompt'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

export const POLICY_SCHEMA = `// Interceptor policy schema: everything a Cedar policy can see when an agent acts.
// Keep in sync with governance/policy/schema.ts (a test compares the two byte for byte).

// A human or service an agent acts for. An agent is "in" every User it acts for.
entity User;

// The agent asking to act. delegationDepth = number of parties in actingFor.
entity Agent in [User] = {
  tenant: String,
  capabilities: Set<String>,
  delegationDepth: Long,
  actingFor: Set<String>,
};

// A tool (built-in or served by an MCP server). riskLevel: low|medium|high|critical;
// sideEffect: read|write|external|irreversible; server: the MCP server name or "builtin".
entity Tool = {
  name: String,
  riskLevel: String,
  sideEffect: String,
  requiredCapability: String,
  server: String,
};

// MCP resources and prompts, for the policy proxy.
entity McpResource = { uri: String, server: String };
entity Prompt = { name: String, server: String };

// Top-level arguments of one call. Each tag holds the argument's value as text: strings as
// they are, numbers and booleans in their JSON form, objects and arrays as canonical JSON.
entity Args tags String;

// Trust rank of each top-level argument: trusted=3, internal=2, external=1, untrusted=0.
entity ArgTrust tags Long;

type Risk = { score: Long, level: String };
type Budget = { fractionUsed: Long, exhausted: Bool };
type Time = { hourUtc: Long, dayOfWeek: Long, epochSeconds: Long };
type Delegation = { depth: Long, actingFor: Set<String> };

type CallContext = {
  args: Args,
  argTrust: ArgTrust,
  argNames: Set<String>,
  argStrings: Set<String>,
  emailDomains: Set<String>,
  urlHosts: Set<String>,
  tainted: Bool,
  taintSources: Set<String>,
  lowestTrust: String,
  trustRank: Long,
  risk: Risk,
  injectionSignals: Long,
  budget: Budget,
  time: Time,
  delegation: Delegation,
  tenant: String,
};

type BasicContext = { time: Time, delegation: Delegation, tenant: String };

action "call_tool" appliesTo { principal: [Agent], resource: [Tool], context: CallContext };
action "list_tool" appliesTo { principal: [Agent], resource: [Tool], context: BasicContext };
action "read_resource" appliesTo { principal: [Agent], resource: [McpResource], context: BasicContext };
action "get_prompt" appliesTo { principal: [Agent], resource: [Prompt], context: BasicContext };
`;
