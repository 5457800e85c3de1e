/**
 * @module Turn a PolicyRequest into Cedar's request: principal, action, resource, context and the
 * entities they refer to, keeping only what the policy set reads (see references.ts).
 */
import { canonicalJson } from '../../lib/canonical-json.js';
import type { TrustLevel } from '../types.js';
import { argFacts, type ArgFacts } from './arg-facts.js';
import type { EntityJson, StatefulAuthorizationCall } from './cedar.js';
import type { RequestShape } from './references.js';
import type { CallFacts, PolicyPrincipal, PolicyRequest, PolicyTool } from './types.js';

export const TRUST_RANK: Readonly<Record<TrustLevel, number>> = { trusted: 3, internal: 2, external: 1, untrusted: 0 };

type CedarValue = EntityJson['attrs'][string];
type Uid = { type: string; id: string };
type Entity = EntityJson & { uid: Uid };
type Context = Record<string, CedarValue>;

const ARGS_UID: Uid = { type: 'Args', id: 'call' };
const ARG_TRUST_UID: Uid = { type: 'ArgTrust', id: 'call' };

/** A request shape plus a cache of tool entities trimmed to it. */
export interface ShapeWithCache extends RequestShape {
  readonly toolCache: WeakMap<PolicyTool, Entity>;
}

/** The Cedar call for `request` against the preparsed set `policySetId`, trimmed to `shape`. */
export function toCedarCall(request: PolicyRequest, policySetId: string, shape: ShapeWithCache): StatefulAuthorizationCall {
  const entities: EntityJson[] = [];
  const requiredCapability = request.action === 'call_tool' || request.action === 'list_tool' ? request.tool.requiredCapability : undefined;
  const principal = principalEntity(request.principal, shape, requiredCapability);
  if (Object.keys(principal.attrs).length > 0 || principal.parents.length > 0) entities.push(principal);
  const action = { type: 'Action', id: request.action };
  const base = { principal: principal.uid, action, preparsedPolicySetId: policySetId, entities };
  if (request.action === 'call_tool' || request.action === 'list_tool') {
    const tool = toolEntity(request.tool, shape);
    entities.push(tool);
    if (request.action === 'list_tool') return { ...base, resource: tool.uid, context: pick(BASIC_KEYS, (key) => basicValue(key, request), shape) };
    const callValue = callValues(request.call);
    const context = pick(CALL_KEYS, (key) => basicValue(key, request) ?? callValue(key), shape);
    if ('args' in context) entities.push({ uid: ARGS_UID, attrs: {}, parents: [], tags: projectArgs(request.call.args) });
    if ('argTrust' in context) entities.push({ uid: ARG_TRUST_UID, attrs: {}, parents: [], tags: trustTags(request.call) });
    return { ...base, resource: tool.uid, context };
  }
  const attrs = request.action === 'read_resource' ? { ...request.resource } : { ...request.prompt };
  const uid = resourceUid(request);
  entities.push({ uid, attrs: trimAttrs(attrs, shape), parents: [] });
  return { ...base, resource: uid, context: pick(BASIC_KEYS, (key) => basicValue(key, request), shape) };
}

function toolUid(t: PolicyTool): Uid {
  const server = t.server ?? 'builtin';
  return { type: 'Tool', id: server === 'builtin' ? t.name : `${server}#${t.name}` };
}

/** The uid of the resource a request is about: `Tool::"name"` (or `"server#name"` for MCP tools). */
export function resourceUid(request: PolicyRequest): Uid {
  switch (request.action) {
    case 'call_tool':
    case 'list_tool':
      return toolUid(request.tool);
    case 'read_resource':
      return { type: 'McpResource', id: `${request.resource.server}#${request.resource.uri}` };
    case 'get_prompt':
      return { type: 'Prompt', id: `${request.prompt.server}#${request.prompt.name}` };
  }
}

const BASIC_KEYS = ['time', 'delegation', 'tenant'] as const;
const CALL_KEYS = [
  ...BASIC_KEYS, 'args', 'argTrust', 'argNames', 'argStrings', 'emailDomains', 'urlHosts', 'tainted',
  'taintSources', 'lowestTrust', 'trustRank', 'risk', 'injectionSignals', 'budget',
] as const;

/** Context records that may be trimmed to the fields policies read (all plain records, never entity references). */
const TRIMMABLE_RECORDS = new Set(['risk', 'budget', 'time', 'delegation']);

// why a key list and a value function rather than an object of closures: this runs on every
// decision, and only the keys some policy reads are computed
function pick(known: readonly string[], valueOf: (key: string) => CedarValue | undefined, shape: RequestShape): Context {
  const context: Context = {};
  const keys = shape.contextKeys === 'all' ? known : shape.contextKeys;
  for (const key of keys) {
    if (!known.includes(key)) continue;
    const value = valueOf(key);
    if (value === undefined) continue;
    const fields = TRIMMABLE_RECORDS.has(key) ? shape.contextFields.get(key) : undefined;
    // why trim: a field no policy reads (say time.epochSeconds) would make every request look new to the decision cache
    context[key] = fields ? trimAttrs(value as Record<string, CedarValue>, fields) : value;
  }
  return context;
}

function trimAttrs(attrs: Record<string, CedarValue>, keep: RequestShape | ReadonlySet<string>): Record<string, CedarValue> {
  const names = 'attributes' in keep ? keep.attributes : keep;
  const out: Record<string, CedarValue> = {};
  // why for-in with hasOwn rather than Object.entries: this runs several times per decision
  for (const k in attrs) if (Object.hasOwn(attrs, k) && names.has(k)) out[k] = attrs[k]!;
  return out;
}

function principalEntity(p: PolicyPrincipal, shape: RequestShape, requiredCapability: string | undefined): Entity {
  // why each attribute only when read: filtering a long capability list costs more than the decision
  const read = shape.attributes;
  const attrs: Record<string, CedarValue> = {};
  if (read.has('tenant')) attrs['tenant'] = p.tenant;
  if (read.has('capabilities')) attrs['capabilities'] = capabilitiesToSend(p.capabilities, shape, requiredCapability);
  if (read.has('delegationDepth')) attrs['delegationDepth'] = p.actingFor.length;
  if (read.has('actingFor')) attrs['actingFor'] = [...p.actingFor];
  const parents = shape.usesHierarchy ? p.actingFor.map((id) => ({ type: 'User', id })) : [];
  return { uid: { type: 'Agent', id: p.agentId }, attrs, parents };
}

/** Only the capabilities a policy could probe (see RequestShape.capabilityProbes). */
function capabilitiesToSend(all: readonly string[], shape: RequestShape, requiredCapability: string | undefined): string[] {
  const probes = shape.capabilityProbes;
  if (probes === 'all') return [...all];
  return all.filter((cap) => probes.literals.has(cap) || (probes.requiredCapability && cap === requiredCapability));
}

function toolEntity(t: PolicyTool, shape: ShapeWithCache): Entity {
  const cached = shape.toolCache.get(t);
  if (cached) return cached;
  const server = t.server ?? 'builtin';
  const attrs = { name: t.name, riskLevel: t.riskLevel, sideEffect: t.sideEffect, requiredCapability: t.requiredCapability, server };
  const entity = { uid: toolUid(t), attrs: trimAttrs(attrs, shape), parents: [] };
  shape.toolCache.set(t, entity);
  return entity;
}

function basicValue(key: string, { now, principal }: PolicyRequest): CedarValue | undefined {
  switch (key) {
    case 'time': return { hourUtc: now.getUTCHours(), dayOfWeek: now.getUTCDay(), epochSeconds: Math.floor(now.getTime() / 1000) };
    case 'delegation': return { depth: principal.actingFor.length, actingFor: [...principal.actingFor] };
    case 'tenant': return principal.tenant;
    default: return undefined;
  }
}

function callValues(call: CallFacts): (key: string) => CedarValue | undefined {
  let facts: ArgFacts | undefined;
  const f = (): ArgFacts => (facts ??= argFacts(call.args));
  return (key) => {
    switch (key) {
      case 'args': return { __entity: ARGS_UID };
      case 'argTrust': return { __entity: ARG_TRUST_UID };
      case 'argNames': return f().names;
      case 'argStrings': return f().strings;
      case 'emailDomains': return f().emailDomains;
      case 'urlHosts': return f().urlHosts;
      case 'tainted': return call.tainted;
      case 'taintSources': return [...call.taintSources];
      case 'lowestTrust': return call.lowestTrust;
      case 'trustRank': return TRUST_RANK[call.lowestTrust];
      case 'risk': return { score: wholeNumber(call.risk.score), level: call.risk.level };
      case 'injectionSignals': return wholeNumber(call.injectionSignals);
      case 'budget': return budgetOf(call.budget);
      default: return undefined;
    }
  };
}

/** Each top-level argument as text. why Object.fromEntries: a key `__proto__` stays a plain key. */
function projectArgs(args: Readonly<Record<string, unknown>>): Record<string, CedarValue> {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, typeof v === 'string' ? v : canonicalJson(v)]));
}

function trustTags(call: CallFacts): Record<string, CedarValue> {
  const fallback = TRUST_RANK[call.lowestTrust];
  return Object.fromEntries(Object.keys(call.args).map((k) => {
    // why hasOwn: an argument named `toString` must not find Object.prototype's function
    const t = call.argTrust !== undefined && Object.hasOwn(call.argTrust, k) ? call.argTrust[k] : undefined;
    return [k, t === undefined ? fallback : TRUST_RANK[t]];
  }));
}

function budgetOf(b: CallFacts['budget']): CedarValue {
  if (!b) return { fractionUsed: 0, exhausted: false };
  // why: a budget we cannot read counts as spent (fail closed)
  const percent = Number.isFinite(b.fractionUsed) ? Math.round(b.fractionUsed * 100) : 100;
  return { fractionUsed: Math.max(0, percent), exhausted: b.exhausted || !Number.isFinite(b.fractionUsed) };
}

function wholeNumber(n: number): number {
  return Number.isFinite(n) ? Math.round(n) : Number.MAX_SAFE_INTEGER;
}
