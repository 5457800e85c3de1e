/**
 * @module Policy slicing. why: this Cedar build costs a few microseconds per policy in the set on
 * every decision, whether the policy applies or not, so each request is evaluated against only the
 * policies that could apply to it. A policy is left out only when its scope names another principal,
 * action or resource, or when the leftmost test of its first `when` condition compares a Tool
 * attribute with string literals (`resource.sideEffect == "write"`, or several such tests joined by
 * `||`) and the requested tool's attribute matches none of them. Such a policy can be neither
 * satisfied nor erroring for the request (`&&` stops at the false test), so the decision, its
 * reasons and its errors are exactly those of the whole set.
 */
import { sha256Hex } from '../../lib/canonical-json.js';
import type { PolicyJson } from './cedar.js';

/** What one policy's scope pins down; undefined means "any". */
export interface PolicyScope {
  id: string;
  principal?: string;
  action?: string;
  resource?: string;
  resourceType?: string;
  /** A Tool attribute the policy's leftmost condition requires to be one of `values`. */
  toolTest?: { attr: string; values: string[] };
}

/** The request facts slicing looks at. */
export interface SliceKey {
  principal: string;
  action: string;
  resource: string;
  resourceType: string;
  /** Set only for Tool resources: the tool's static attributes (name, sideEffect, riskLevel, ...). */
  toolAttrs?: Readonly<Record<string, string>>;
}

/** Tool attributes a leftmost test may use; each is static for a tool and always sent when read. */
export const STATIC_TOOL_ATTRIBUTES = ['name', 'sideEffect', 'riskLevel', 'requiredCapability', 'server'] as const;

type Uid = { type?: string; id: string } | { __entity: { type: string; id: string } };
type Node = Record<string, unknown>;

const uidKey = (type: string, id: string): string => `${type}::${JSON.stringify(id)}`;

function uidOf(constraint: { op: string; entity?: Uid }): string | undefined {
  if (constraint.op !== '==' || !constraint.entity) return undefined;
  const e = '__entity' in constraint.entity ? constraint.entity.__entity : constraint.entity;
  return uidKey(e.type ?? 'Action', e.id);
}

/** The scope of one policy, read from its JSON form. */
export function scopeOf(id: string, p: PolicyJson): PolicyScope {
  const scope: PolicyScope = { id };
  const principal = uidOf(p.principal as { op: string; entity?: Uid });
  const action = uidOf(p.action as { op: string; entity?: Uid });
  const resource = uidOf(p.resource as { op: string; entity?: Uid });
  if (principal) scope.principal = principal;
  if (action) scope.action = action;
  if (resource) scope.resource = resource;
  if (p.resource.op === 'is') scope.resourceType = p.resource.entity_type;
  const toolTest = leftmostToolTest(p);
  if (toolTest) scope.toolTest = toolTest;
  return scope;
}

/** The leftmost conjunct of the first `when`, if it is `resource.<attr> == "v"` (or an `||` of those on one attr). */
function leftmostToolTest(p: PolicyJson): { attr: string; values: string[] } | undefined {
  const first = p.conditions[0];
  if (!first || first.kind !== 'when') return undefined;
  let expr = first.body as unknown as Node;
  while (typeof expr['&&'] === 'object' && expr['&&'] !== null) expr = (expr['&&'] as { left: Node }).left;
  return equalities(expr);
}

function equalities(expr: Node): { attr: string; values: string[] } | undefined {
  const or = expr['||'] as { left: Node; right: Node } | undefined;
  if (or) {
    const l = equalities(or.left);
    const r = equalities(or.right);
    return l && r && l.attr === r.attr ? { attr: l.attr, values: [...l.values, ...r.values] } : undefined;
  }
  const eq = expr['=='] as { left: Node; right: Node } | undefined;
  if (!eq) return undefined;
  return attrLiteral(eq.left, eq.right) ?? attrLiteral(eq.right, eq.left);
}

function attrLiteral(access: Node, literal: Node): { attr: string; values: string[] } | undefined {
  const dot = access['.'] as { left: Node; attr: string } | undefined;
  if (!dot || dot.left['Var'] !== 'resource' || !(STATIC_TOOL_ATTRIBUTES as readonly string[]).includes(dot.attr)) return undefined;
  return typeof literal['Value'] === 'string' ? { attr: dot.attr, values: [literal['Value']] } : undefined;
}

export function applies(scope: PolicyScope, key: SliceKey): boolean {
  if (scope.principal !== undefined && scope.principal !== key.principal) return false;
  if (scope.action !== undefined && scope.action !== key.action) return false;
  if (scope.resource !== undefined && scope.resource !== key.resource) return false;
  if (scope.resourceType !== undefined && scope.resourceType !== key.resourceType) return false;
  const test = scope.toolTest;
  if (test && key.toolAttrs) {
    const actual = key.toolAttrs[test.attr];
    if (actual !== undefined && !test.values.includes(actual)) return false;
  }
  return true;
}

/** Memo of request key → policy ids that apply, bounded so unbounded agent/tool names cannot grow it forever. */
export class SliceIndex {
  private readonly memo = new Map<string, { sliceId: string; ids: string[] }>();

  constructor(private readonly version: string, private readonly scopes: readonly PolicyScope[], private readonly maxEntries = 10_000) {}

  slice(key: SliceKey): { sliceId: string; ids: string[] } {
    const attrs = key.toolAttrs ? STATIC_TOOL_ATTRIBUTES.map((a) => key.toolAttrs?.[a] ?? '').join('|') : '';
    const memoKey = `${key.principal}|${key.action}|${key.resource}|${key.resourceType}|${attrs}`;
    const hit = this.memo.get(memoKey);
    if (hit) return hit;
    const ids = this.scopes.filter((s) => applies(s, key)).map((s) => s.id);
    const sliceId = ids.length === this.scopes.length ? this.version : `${this.version}/${sha256Hex(ids.join('\n')).slice(0, 24)}`;
    if (this.memo.size >= this.maxEntries) this.memo.clear();
    const entry = { sliceId, ids };
    this.memo.set(memoKey, entry);
    return entry;
  }
}

export { uidKey };
