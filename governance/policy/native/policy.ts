/**
 * @module Compile one policy (EST) into a predicate: scope constraints, then each `when` / `unless`
 * clause in order, exactly as Cedar joins them (`scope && when1 && !unless1 && ...`).
 */
import type { PolicyJson } from '../cedar.js';
import type { Env } from './decode.js';
import { UnsupportedConstruct, compileExpr, inHierarchy, literal } from './expr.js';
import { EntityRef, asBool } from './values.js';

export interface NativePolicy {
  id: string;
  /** The effect Cedar sees (approval forbids run as permits, see compile.ts). */
  effect: 'permit' | 'forbid';
  /** True when satisfied; throws CedarEvalError when its condition errors. */
  satisfied: (env: Env) => boolean;
}

type Scope = (env: Env) => boolean;
type ScopeRaw = Record<string, unknown>;

export function compilePolicy(id: string, effect: 'permit' | 'forbid', json: PolicyJson): NativePolicy {
  const principal = scopeTest(json.principal as unknown as ScopeRaw, (env) => env.principal, false);
  const action = scopeTest(json.action as unknown as ScopeRaw, (env) => env.action, true);
  const resource = scopeTest(json.resource as unknown as ScopeRaw, (env) => env.resource, false);
  const clauses = json.conditions.map((c) => {
    const kind: unknown = c.kind;
    if (kind !== 'when' && kind !== 'unless') throw new UnsupportedConstruct(`condition kind ${String(kind)}`);
    const body = compileExpr(c.body);
    const when = c.kind === 'when';
    return (env: Env): boolean => asBool(body(env)) === when;
  });
  const satisfied = (env: Env): boolean => {
    if (!principal(env) || !action(env) || !resource(env)) return false;
    for (const clause of clauses) if (!clause(env)) return false;
    return true;
  };
  return { id, effect, satisfied };
}

function scopeTest(raw: ScopeRaw, subject: (env: Env) => EntityRef, isAction: boolean): Scope {
  const op = raw['op'];
  if ('slot' in raw) throw new UnsupportedConstruct('template slot');
  switch (op) {
    case 'All': return () => true;
    case '==': {
      const target = uid(raw['entity']);
      return (env) => subject(env).key === target.key;
    }
    case 'in': {
      if (isAction && Array.isArray(raw['entities'])) {
        const targets = (raw['entities'] as unknown[]).map(uid);
        return (env) => targets.some((t) => inScope(env, subject(env), t));
      }
      const target = uid(raw['entity']);
      return (env) => inScope(env, subject(env), target);
    }
    case 'is': {
      if (isAction || typeof raw['entity_type'] !== 'string') throw new UnsupportedConstruct('is constraint shape');
      const type = raw['entity_type'];
      const within = raw['in'] === undefined ? undefined : inTarget(raw['in']);
      return (env) => {
        const e = subject(env);
        return e.type === type && (within === undefined || inScope(env, e, within));
      };
    }
    default:
      throw new UnsupportedConstruct(`scope constraint ${String(op)}`);
  }
}

function inTarget(raw: unknown): EntityRef {
  if (typeof raw !== 'object' || raw === null || 'slot' in raw) throw new UnsupportedConstruct('is-in constraint shape');
  return uid((raw as ScopeRaw)['entity']);
}

/** Scope `in`: both sides are entities, so unlike the `in` operator it cannot fail. */
function inScope(env: Env, e: EntityRef, target: EntityRef): boolean {
  return inHierarchy(env, e, target);
}

function uid(raw: unknown): EntityRef {
  const v = literal(typeof raw === 'object' && raw !== null && '__entity' in raw ? raw : { __entity: raw });
  if (!(v instanceof EntityRef)) throw new UnsupportedConstruct('scope entity');
  return v;
}
