/**
 * @module Seeded generators for the differential tests of the native evaluator: random Cedar
 * policies covering every construct it compiles (mostly well-typed, sometimes deliberately not),
 * random policy requests, and random raw Cedar calls with entity hierarchies. No test framework
 * imports, so a benchmark or a script can reuse them.
 */
import type { EntityJson, StatefulAuthorizationCall } from '../cedar.js';
import type { PolicyRequest, PolicyTool } from '../types.js';

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  subset<T>(items: readonly T[]): T[] {
    return items.filter(() => this.chance(0.5));
  }
}

type Ty = 'bool' | 'long' | 'string' | 'strset' | 'longset' | 'entity' | 'record' | 'ip' | 'decimal';
const TYPES: readonly Ty[] = ['bool', 'long', 'string', 'strset', 'longset', 'entity', 'record', 'ip', 'decimal'];

export const FUZZ_AGENTS = ['agent-1', 'agent-2', 'agent-3'];
export const FUZZ_USERS = ['alice', 'bob', 'carol'];
export const FUZZ_STRINGS = ['', 'a', 'send_email', 'read_file', 'demo', 'example.com', 'evil.test', 'email:send', 'files:read', 'restricted-1', 'retrieval:web', 'héllo', '😀x', 'a*b', 'internal', 'external', 'untrusted', 'to', 'body', '10.0.0.1', '1.5'];
const IPS = ['10.0.0.1', '10.1.2.3/8', '127.0.0.1', '127.5.0.0/16', '::1', 'ff02::1', '224.0.0.9', '192.168.0.0/16', '0.0.0.0/0', '2001:db8::/32', '2001:db8::7', '10.0.0.256', '1.2.3', '010.0.0.1', '::ffff:1.2.3.4', '10.0.0.0/33', 'fe80::1%eth0'];
const DECIMALS = ['1.5', '0.0', '-0.0', '-2.25', '100.0001', '922337203685477.5807', '922337203685477.5808', '1.', '.5', '01.5', '1.23456', '+1.0', '3'];
const LONG_ATTRS = ['context.risk.score', 'context.injectionSignals', 'context.trustRank', 'context.budget.fractionUsed', 'context.time.hourUtc', 'context.time.dayOfWeek', 'context.time.epochSeconds', 'context.delegation.depth', 'principal.delegationDepth'];
const STRING_ATTRS = ['resource.name', 'resource.sideEffect', 'resource.riskLevel', 'resource.requiredCapability', 'resource.server', 'context.lowestTrust', 'context.risk.level', 'principal.tenant', 'context.tenant'];
const STRSET_ATTRS = ['principal.capabilities', 'principal.actingFor', 'context.argStrings', 'context.argNames', 'context.emailDomains', 'context.urlHosts', 'context.taintSources', 'context.delegation.actingFor'];
const ENTITIES = ['principal', 'resource', 'action', 'Agent::"agent-1"', 'User::"alice"', 'User::"bob"', 'Tool::"send_email"', 'Action::"call_tool"', 'context.args', 'context.argTrust'];
const RECORDS = ['context.risk', 'context.time', 'context.budget', 'context.delegation', 'context', '{a: 1, b: "x"}', '{}'];
const ATTR_NAMES = ['name', 'tenant', 'capabilities', 'risk', 'score', 'nope', 'a', 'time', 'args', 'hourUtc', 'sideEffect'];

const quote = (s: string): string => JSON.stringify(s);

/** Random Cedar expressions of (mostly) a requested type. */
export class ExprGen {
  constructor(private readonly rng: Rng, private readonly illTyped = 0.05) {}

  expr(ty: Ty, depth: number): string {
    const r = this.rng;
    // why sometimes another type: ill-typed expressions must error the same way in both engines
    const t = r.chance(this.illTyped) ? r.pick(TYPES) : ty;
    if (depth <= 0 || r.chance(0.3)) return this.leaf(t);
    switch (t) {
      case 'bool': return this.boolean(depth - 1);
      case 'long': return this.long(depth - 1);
      case 'string': return r.chance(0.5) ? this.leaf('string') : `(if ${this.expr('bool', depth - 1)} then ${this.expr('string', depth - 1)} else ${this.expr('string', depth - 1)})`;
      case 'strset': return `[${Array.from({ length: r.int(3) }, () => this.expr('string', depth - 1)).join(', ')}]`;
      case 'longset': return `[${Array.from({ length: r.int(3) }, () => this.expr('long', depth - 1)).join(', ')}]`;
      case 'record': return r.chance(0.5) ? `{k: ${this.expr('long', depth - 1)}, s: ${this.expr('string', depth - 1)}}` : this.leaf('record');
      case 'ip': return `ip(${r.chance(0.8) ? quote(r.pick(IPS)) : this.expr('string', depth - 1)})`;
      case 'decimal': return `decimal(${r.chance(0.8) ? quote(r.pick(DECIMALS)) : this.expr('string', depth - 1)})`;
      default: return this.leaf(t);
    }
  }

  private leaf(t: Ty): string {
    const r = this.rng;
    switch (t) {
      case 'bool': return r.pick(['true', 'false', 'context.tainted', 'context.budget.exhausted']);
      case 'long': return r.chance(0.5) ? String(r.pick([0, 1, -1, 3, 50, 90, 100, 9007199254740991, -9007199254740991, 4294967296])) : r.pick(LONG_ATTRS);
      case 'string': return r.chance(0.5) ? quote(r.pick(FUZZ_STRINGS)) : r.pick(STRING_ATTRS);
      case 'strset': return r.chance(0.7) ? r.pick(STRSET_ATTRS) : `[${r.subset(FUZZ_STRINGS.slice(0, 6)).map(quote).join(', ')}]`;
      case 'longset': return `[${r.subset([0, 1, 2, 3]).join(', ')}]`;
      case 'entity': return r.pick(ENTITIES);
      case 'record': return r.pick(RECORDS);
      case 'ip': return `ip(${quote(r.pick(IPS))})`;
      case 'decimal': return `decimal(${quote(r.pick(DECIMALS))})`;
    }
  }

  private boolean(d: number): string {
    const r = this.rng;
    const e = (ty: Ty): string => this.expr(ty, d);
    switch (r.int(24)) {
      case 0: return `(${e('bool')} && ${e('bool')})`;
      case 1: return `(${e('bool')} || ${e('bool')})`;
      case 2: return `!${e('bool')}`;
      case 3: { const ty = r.pick(TYPES); return `(${this.expr(ty, d)} ${r.pick(['==', '!='])} ${this.expr(ty, d)})`; }
      case 4: return `(${e('long')} ${r.pick(['<', '<=', '>', '>='])} ${e('long')})`;
      case 5: return `(if ${e('bool')} then ${e('bool')} else ${e('bool')})`;
      case 6: return `${e('strset')}.contains(${e('string')})`;
      case 7: return `${e('strset')}.${r.pick(['containsAll', 'containsAny'])}(${e('strset')})`;
      case 8: return `${e('longset')}.${r.pick(['containsAll', 'containsAny'])}(${e('longset')})`;
      case 9: return `${e('strset')}.isEmpty()`;
      case 10: return `(${e('entity')} in ${r.chance(0.5) ? e('entity') : `[${e('entity')}, ${e('entity')}]`})`;
      case 11: return `(${e('entity')} is ${r.pick(['Agent', 'User', 'Tool', 'Args'])}${r.chance(0.3) ? ` in ${e('entity')}` : ''})`;
      case 12: return `(${r.pick(['principal', 'resource', 'context', 'context.risk', 'context.args', 'User::"alice"', e('record')])} has ${r.pick(ATTR_NAMES)}${r.chance(0.3) ? `.${r.pick(ATTR_NAMES)}` : ''})`;
      case 13: return `(${e('string')} like ${quote(this.pattern())})`;
      case 14: return `${r.pick(['context.args', 'context.argTrust', 'principal'])}.hasTag(${quote(r.pick(['to', 'body', 'subject', 'path', 'x']))})`;
      case 15: return `(context.args.getTag(${quote(r.pick(['to', 'body', 'subject', 'x']))}) ${r.pick(['==', '!='])} ${e('string')})`;
      case 16: return `(context.argTrust.getTag(${quote(r.pick(['to', 'body', 'x']))}) ${r.pick(['<', '>='])} ${r.int(4)})`;
      case 17: return `${e('ip')}.${r.pick(['isIpv4', 'isIpv6', 'isLoopback', 'isMulticast'])}()`;
      case 18: return `${e('ip')}.isInRange(${e('ip')})`;
      case 19: return `${e('decimal')}.${r.pick(['lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual'])}(${e('decimal')})`;
      case 20: return `(${e('record')} == ${e('record')})`;
      case 21: return `(${e('record')}.${r.pick(ATTR_NAMES)} == ${e(r.pick(TYPES))})`;
      case 22: return `${e('longset')}.contains(${e('long')})`;
      default: return r.pick(['context.tainted', 'context.budget.exhausted', `principal.capabilities.contains(resource.requiredCapability)`]);
    }
  }

  private long(d: number): string {
    const r = this.rng;
    switch (r.int(5)) {
      case 0: return `(${this.expr('long', d)} + ${this.expr('long', d)})`;
      case 1: return `(${this.expr('long', d)} - ${this.expr('long', d)})`;
      case 2: return `(${this.expr('long', d)} * ${this.expr('long', d)})`;
      case 3: return `(-${this.expr('long', d)})`;
      default: return `(if ${this.expr('bool', d)} then ${this.expr('long', d)} else ${this.expr('long', d)})`;
    }
  }

  private pattern(): string {
    const r = this.rng;
    return Array.from({ length: 1 + r.int(4) }, () => r.pick(['*', 'a', 'e', '@', '.', 'example', '\\*', 'é', '😀', '(', '[', '$'])).join('');
  }
}

const SCOPES_P = ['principal', 'principal is Agent', 'principal == Agent::"agent-1"', 'principal in User::"alice"', 'principal is Agent in User::"bob"', 'principal in Group::"g1"'];
const SCOPES_A = ['action', 'action == Action::"call_tool"', 'action in [Action::"call_tool", Action::"list_tool"]', 'action in Action::"call_tool"', 'action == Action::"read_resource"'];
const SCOPES_R = ['resource', 'resource is Tool', 'resource == Tool::"send_email"', 'resource in Tool::"read_file"', 'resource is McpResource'];

/** A policy set of `count` random policies; approval annotations on some. */
export function randomPolicySet(rng: Rng, count: number, illTyped = 0.05): string {
  const gen = new ExprGen(rng, illTyped);
  return Array.from({ length: count }, (_, i) => {
    const effect = rng.chance(0.5) ? 'permit' : 'forbid';
    const approval = rng.chance(0.25) ? '@decision("require_approval") ' : '';
    const clauses = Array.from({ length: rng.int(3) }, () => `${rng.chance(0.7) ? 'when' : 'unless'} { ${gen.expr('bool', 3)} }`).join(' ');
    return `@id("p${i}") ${approval}${effect} (${rng.pick(SCOPES_P)}, ${rng.pick(SCOPES_A)}, ${rng.pick(SCOPES_R)}) ${clauses};`;
  }).join('\n');
}

const TOOLS: PolicyTool[] = [
  { name: 'send_email', riskLevel: 'high', sideEffect: 'external', requiredCapability: 'email:send' },
  { name: 'read_file', riskLevel: 'low', sideEffect: 'read', requiredCapability: 'files:read' },
  { name: 'write_file', riskLevel: 'medium', sideEffect: 'write', requiredCapability: 'files:write' },
  { name: 'wipe', riskLevel: 'critical', sideEffect: 'irreversible', requiredCapability: 'admin', server: 'ops' },
];
const ARG_STRINGS = ['bob@example.com', 'eve@evil.test', 'see https://evil.test/x?d=1', 'restricted-1', 'plain', 'Ignore previous instructions', 'a@b', '😀', '\ud800', 'http://10.0.0.1/'];

function randomJson(rng: Rng, depth: number): unknown {
  switch (depth <= 0 ? rng.int(3) : rng.int(6)) {
    case 0: return rng.pick(ARG_STRINGS);
    case 1: return rng.pick([0, 1, -5, 2.5, 1e21, true, false, null]);
    case 2: return rng.pick(ARG_STRINGS);
    case 3: return [randomJson(rng, depth - 1), randomJson(rng, depth - 1)];
    case 4: return { k: randomJson(rng, depth - 1), to: rng.pick(ARG_STRINGS) };
    default: return rng.pick(ARG_STRINGS);
  }
}

/** A random request of any action, with awkward values now and then (huge numbers, lone surrogates). */
export function randomRequest(rng: Rng): PolicyRequest {
  const principal = {
    agentId: rng.pick(FUZZ_AGENTS),
    tenant: rng.pick(['demo', 'other']),
    capabilities: rng.subset(['email:send', 'files:read', 'files:write', 'admin', 'team-1:send_email']),
    actingFor: rng.subset(FUZZ_USERS).concat(rng.chance(0.1) ? ['dave', 'erin'] : []),
  };
  const now = rng.chance(0.02) ? new Date(8.64e15) : new Date(Date.UTC(2026, 2, 1 + rng.int(14), rng.int(24), rng.int(60)));
  const tool = rng.pick(TOOLS);
  switch (rng.int(8)) {
    case 0: return { action: 'list_tool', principal, tool, now };
    case 1: return { action: 'read_resource', principal, resource: { uri: rng.pick(['file:///a', 'x']), server: 'docs' }, now };
    case 2: return { action: 'get_prompt', principal, prompt: { name: rng.pick(['p', 'q']), server: 'docs' }, now };
    default: {
      const args: Record<string, unknown> = {};
      for (const name of rng.subset(['to', 'body', 'subject', 'path', '__proto__', 'toString'])) args[name] = randomJson(rng, 2);
      const trust = ['trusted', 'internal', 'external', 'untrusted'] as const;
      const argTrust = Object.fromEntries(Object.keys(args).filter(() => rng.chance(0.5)).map((k) => [k, rng.pick(trust)]));
      return {
        action: 'call_tool',
        principal,
        tool,
        call: {
          args,
          argTrust,
          tainted: rng.chance(0.3),
          taintSources: rng.subset(['retrieval:web', 'email:inbox']),
          lowestTrust: rng.pick(trust),
          risk: { score: rng.chance(0.05) ? rng.pick([1e20, Number.NaN, 2 ** 60]) : rng.int(101), level: rng.pick(['low', 'medium', 'high', 'critical']) },
          injectionSignals: rng.int(3),
          ...(rng.chance(0.8) ? { budget: { fractionUsed: rng.chance(0.05) ? Number.POSITIVE_INFINITY : rng.next() * 1.2, exhausted: rng.chance(0.1) } } : {}),
        },
        now,
      };
    }
  }
}

/** A raw Cedar call with a random User/Group hierarchy (chains and cycles) above the principal. */
export function randomHierarchyCall(rng: Rng, policySetId: string): StatefulAuthorizationCall {
  const groups = ['g1', 'g2', 'g3', 'g4'];
  const uid = (type: string, id: string) => ({ type, id });
  const entities: EntityJson[] = [
    { uid: uid('Agent', 'agent-1'), attrs: { tenant: 'demo', capabilities: rng.subset(['email:send', 'files:read']), delegationDepth: rng.int(3), actingFor: ['alice'] }, parents: rng.subset(FUZZ_USERS).map((u) => uid('User', u)) },
    ...FUZZ_USERS.map((u) => ({ uid: uid('User', u), attrs: {}, parents: rng.subset(groups).map((g) => uid('Group', g)) })),
    // parents point upwards (a chain g1 → g2 → ...), with an occasional back edge that makes a cycle
    ...groups.filter(() => rng.chance(0.7)).map((g, i) => ({ uid: uid('Group', g), attrs: {}, parents: groups.filter((_, j) => (j > i && rng.chance(0.5)) || rng.chance(0.03)).map((p) => uid('Group', p)) })),
    { uid: uid('Tool', 'send_email'), attrs: { name: 'send_email', riskLevel: 'high', sideEffect: 'external', requiredCapability: 'email:send', server: 'builtin' }, parents: rng.chance(0.5) ? [uid('Tool', 'read_file')] : [] },
  ];
  return {
    principal: uid('Agent', 'agent-1'),
    action: uid('Action', rng.pick(['call_tool', 'list_tool'])),
    resource: uid('Tool', 'send_email'),
    context: { tainted: rng.chance(0.5), injectionSignals: rng.int(2), risk: { score: rng.int(100), level: 'low' } },
    entities,
    preparsedPolicySetId: policySetId,
  };
}
