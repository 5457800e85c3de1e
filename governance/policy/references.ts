/**
 * @module What a policy set can read. why: Cedar's cost per decision grows with every attribute
 * it is handed (it parses the whole request as JSON), so the request builder sends only what some
 * policy of the set refers to. This is sound because Cedar reads an attribute only through a
 * literal name (`e.attr`, `e has attr`); a policy that uses `context` as a whole value gets it all.
 */
import type { PolicyJson } from './cedar.js';

export interface RequestShape {
  /** Top-level context attributes some policy reads, or 'all'. */
  contextKeys: ReadonlySet<string> | 'all';
  /** For context records read only field by field (`context.risk.level`), the fields read. */
  contextFields: ReadonlyMap<string, ReadonlySet<string>>;
  /** Entity attribute names some policy reads (on any entity). */
  attributes: ReadonlySet<string>;
  /** True when a policy uses `in` (hierarchy): principal parents must be sent. */
  usesHierarchy: boolean;
  /**
   * How policies use `principal.capabilities`: when only as `.contains("literal")` or
   * `.contains(resource.requiredCapability)`, the agent's other capabilities cannot change a
   * decision and are not sent; 'all' otherwise.
   */
  capabilityProbes: { literals: ReadonlySet<string>; requiredCapability: boolean } | 'all';
}

interface Collector {
  contextKeys: Set<string>;
  /** Fields read per context key; 'all' once the key is used as a whole value. */
  fields: Map<string, Set<string> | 'all'>;
  contextAll: boolean;
  attributes: Set<string>;
  usesHierarchy: boolean;
  capabilityLiterals: Set<string>;
  probesRequiredCapability: boolean;
  capabilitiesWhole: boolean;
}

type Node = Record<string, unknown>;

export function requestShapeOf(policies: Iterable<PolicyJson>): RequestShape {
  const c: Collector = { contextKeys: new Set(), fields: new Map(), contextAll: false, attributes: new Set(), usesHierarchy: false, capabilityLiterals: new Set(), probesRequiredCapability: false, capabilitiesWhole: false };
  for (const p of policies) {
    if (scopeUsesHierarchy(p.principal) || scopeUsesHierarchy(p.resource) || p.action.op === 'in') c.usesHierarchy = true;
    for (const clause of p.conditions) walk(clause.body as unknown, c);
  }
  const contextFields = new Map<string, Set<string>>();
  for (const [key, f] of c.fields) if (f !== 'all') contextFields.set(key, f);
  const capabilityProbes = c.capabilitiesWhole ? 'all' as const : { literals: c.capabilityLiterals, requiredCapability: c.probesRequiredCapability };
  return { contextKeys: c.contextAll ? 'all' : c.contextKeys, contextFields: c.contextAll ? new Map() : contextFields, attributes: c.attributes, usesHierarchy: c.usesHierarchy, capabilityProbes };
}

function scopeUsesHierarchy(constraint: PolicyJson['principal']): boolean {
  return constraint.op === 'in' || (constraint.op === 'is' && constraint.in !== undefined);
}

function walk(value: unknown, c: Collector): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, c);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const node = value as Node;
  if ('Value' in node) return; // a literal: reads nothing
  if (node['Var'] === 'context') c.contextAll = true;
  if ('in' in node) c.usesHierarchy = true;
  if ('is' in node && typeof node['is'] === 'object' && node['is'] !== null && 'in' in (node['is'] as Node)) c.usesHierarchy = true;
  if (readCapabilityProbe(node, c)) return;
  const access = (node['.'] ?? node['has']) as { left?: unknown; attr?: unknown } | undefined;
  if (access && typeof access === 'object' && 'left' in access) {
    readAccess(access.left, access.attr, c);
    return;
  }
  for (const [key, v] of Object.entries(node)) if (key !== 'pattern') walk(v, c);
}

/** `principal.capabilities.contains(<string literal | resource.requiredCapability>)`: note the probe, true if handled. */
function readCapabilityProbe(node: Node, c: Collector): boolean {
  const contains = node['contains'] as { left?: Node; right?: Node } | undefined;
  const set = contains?.left?.['.'] as { left?: Node; attr?: unknown } | undefined;
  if (!contains || !set || set.attr !== 'capabilities' || set.left?.['Var'] !== 'principal') return false;
  const right = contains.right ?? {};
  const literal = right['Value'];
  const dot = right['.'] as { left?: Node; attr?: unknown } | undefined;
  if (typeof literal === 'string') c.capabilityLiterals.add(literal);
  else if (dot?.attr === 'requiredCapability' && dot.left?.['Var'] === 'resource') c.probesRequiredCapability = true;
  else return false;
  c.attributes.add('capabilities');
  walk(right, c);
  return true;
}

function readAccess(left: unknown, attr: unknown, c: Collector): void {
  const names = (Array.isArray(attr) ? attr : [attr]).filter((a): a is string => typeof a === 'string');
  for (const n of names) c.attributes.add(n);
  if (names.includes('capabilities')) c.capabilitiesWhole = true;
  const first = names[0];
  if (first === undefined) return walk(left, c);
  if (isContext(left)) {
    // `context.X` as a value, `context has X`, or `context has X.Y`
    return names.length > 1 ? readField(c, first, names[1]!) : readWhole(c, first);
  }
  const inner = (left as Node | null)?.['.'] as { left?: unknown; attr?: unknown } | undefined;
  if (inner && isContext(inner.left) && typeof inner.attr === 'string') {
    c.attributes.add(inner.attr);
    return readField(c, inner.attr, first); // `context.X.Y`: only field Y of X is needed
  }
  walk(left, c);
}

function isContext(node: unknown): boolean {
  return typeof node === 'object' && node !== null && (node as Node)['Var'] === 'context';
}

function readWhole(c: Collector, key: string): void {
  c.contextKeys.add(key);
  c.fields.set(key, 'all');
}

function readField(c: Collector, key: string, field: string): void {
  c.contextKeys.add(key);
  const f = c.fields.get(key);
  if (f === 'all') return;
  if (f) f.add(field);
  else c.fields.set(key, new Set([field]));
}
