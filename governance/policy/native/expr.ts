/**
 * @module Compile a Cedar expression (its JSON form, EST) into a JavaScript closure. Each closure
 * follows Cedar's evaluation rules: `&&` / `||` short-circuit and demand booleans, `==` never
 * fails, arithmetic fails on overflow, attribute access fails on a missing attribute or entity.
 * An EST node this compiler does not know throws UnsupportedConstruct: the whole policy set then
 * stays on cedar-wasm.
 */
import { EXTENSION_FUNCTIONS } from './extensions.js';
import type { Env } from './decode.js';
import {
  CedarEvalError, CedarRecord, CedarSet, EntityRef, asBool, asEntity, asLong, asSet, asString,
  checkedLong, setHas, subset, typeError, valueEquals, type Entity, type Value,
} from './values.js';

export type Compiled = (env: Env) => Value;

export class UnsupportedConstruct extends Error {}

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

export function compileExpr(raw: unknown): Compiled {
  if (!isNode(raw)) throw new UnsupportedConstruct('expression is not an object');
  const keys = Object.keys(raw);
  if (keys.length !== 1) throw new UnsupportedConstruct(`expression node with keys ${keys.join(', ')}`);
  const op = keys[0]!;
  const body = raw[op];
  switch (op) {
    case 'Value': return constant(literal(body));
    case 'Var': return variable(body);
    case '!': { const a = compileExpr(arg(body)); return (env) => !asBool(a(env)); }
    case 'neg': { const a = compileExpr(arg(body)); return (env) => checkedLong(-asLong(a(env))); }
    case '==': { const [l, r] = pair(body); return (env) => valueEquals(l(env), r(env)); }
    case '!=': { const [l, r] = pair(body); return (env) => !valueEquals(l(env), r(env)); }
    case '<': { const [l, r] = pair(body); return (env) => asLong(l(env)) < asLong(r(env)); }
    case '<=': { const [l, r] = pair(body); return (env) => asLong(l(env)) <= asLong(r(env)); }
    case '>': { const [l, r] = pair(body); return (env) => asLong(l(env)) > asLong(r(env)); }
    case '>=': { const [l, r] = pair(body); return (env) => asLong(l(env)) >= asLong(r(env)); }
    case '+': { const [l, r] = pair(body); return (env) => checkedLong(asLong(l(env)) + asLong(r(env))); }
    case '-': { const [l, r] = pair(body); return (env) => checkedLong(asLong(l(env)) - asLong(r(env))); }
    case '*': { const [l, r] = pair(body); return (env) => checkedLong(asLong(l(env)) * asLong(r(env))); }
    case '&&': { const [l, r] = pair(body); return (env) => asBool(l(env)) && asBool(r(env)); }
    case '||': { const [l, r] = pair(body); return (env) => asBool(l(env)) || asBool(r(env)); }
    case 'in': { const [l, r] = pair(body); return (env) => inHierarchy(env, asEntity(l(env)), r(env)); }
    case 'contains': { const [l, r] = pair(body); return (env) => { const s = asSet(l(env)); return setHas(s.items, r(env)); }; }
    case 'containsAll': { const [l, r] = pair(body); return (env) => { const s = asSet(l(env)); return subset(asSet(r(env)).items, s.items); }; }
    case 'containsAny': {
      const [l, r] = pair(body);
      return (env) => {
        const s = asSet(l(env));
        for (const v of asSet(r(env)).items) if (setHas(s.items, v)) return true;
        return false;
      };
    }
    case 'isEmpty': { const a = compileExpr(arg(body)); return (env) => asSet(a(env)).items.length === 0; }
    case 'getTag': { const [l, r] = pair(body); return (env) => getTag(env, l(env), r(env)); }
    case 'hasTag': { const [l, r] = pair(body); return (env) => hasTag(env, l(env), r(env)); }
    case '.': return attribute(body);
    case 'has': return hasAttribute(body);
    case 'like': return like(body);
    case 'is': return isType(body);
    case 'if-then-else': return ifThenElse(body);
    case 'Set': return setLiteral(body);
    case 'Record': return recordLiteral(body);
    default: return extensionCall(op, body);
  }
}

function constant(v: Value): Compiled {
  return () => v;
}

/** A literal value of the EST; Longs beyond 2^53 were already rounded by JSON, so they are refused. */
export function literal(raw: unknown): Value {
  switch (typeof raw) {
    case 'string': return raw;
    case 'boolean': return raw;
    case 'number':
      if (!Number.isSafeInteger(raw)) throw new UnsupportedConstruct('integer literal beyond 2^53');
      return raw;
    case 'object': {
      if (isNode(raw) && Object.keys(raw).length === 1 && isNode(raw['__entity'])) {
        const { type, id } = raw['__entity'];
        if (typeof type === 'string' && typeof id === 'string') return new EntityRef(type, id);
      }
      throw new UnsupportedConstruct('literal of an unsupported kind');
    }
    default: throw new UnsupportedConstruct('literal of an unsupported kind');
  }
}

function variable(name: unknown): Compiled {
  switch (name) {
    case 'principal': return (env) => env.principal;
    case 'action': return (env) => env.action;
    case 'resource': return (env) => env.resource;
    case 'context': return (env) => env.context;
    default: throw new UnsupportedConstruct(`variable ${String(name)}`);
  }
}

function arg(body: unknown): unknown {
  if (!isNode(body) || Object.keys(body).length !== 1 || !('arg' in body)) throw new UnsupportedConstruct('unary node shape');
  return body['arg'];
}

function pair(body: unknown): [Compiled, Compiled] {
  if (!isNode(body) || Object.keys(body).length !== 2 || !('left' in body) || !('right' in body)) throw new UnsupportedConstruct('binary node shape');
  return [compileExpr(body['left']), compileExpr(body['right'])];
}

function entityOf(env: Env, ref: EntityRef): Entity | undefined {
  return env.entities.get(ref.key);
}

/** Cedar `in`: equal, or an ancestor (transitively); a missing entity has no ancestors. */
export function inHierarchy(env: Env, e: EntityRef, target: Value): boolean {
  if (target instanceof EntityRef) return isDescendant(env, e, [target]);
  if (target instanceof CedarSet) return isDescendant(env, e, target.items.map(asEntity));
  throw typeError('entity or set of entities', target);
}

function isDescendant(env: Env, e: EntityRef, targets: readonly EntityRef[]): boolean {
  if (targets.some((t) => t.key === e.key)) return true;
  const wanted = new Set(targets.map((t) => t.key));
  const seen = new Set<string>([e.key]);
  const queue: EntityRef[] = [e];
  while (queue.length > 0) {
    const current = queue.pop()!;
    for (const p of entityOf(env, current)?.parents ?? []) {
      if (wanted.has(p.key)) return true;
      if (!seen.has(p.key)) {
        seen.add(p.key);
        queue.push(p);
      }
    }
  }
  return false;
}

function readAttr(env: Env, target: Value, attr: string): Value {
  if (target instanceof CedarRecord) {
    const v = target.fields.get(attr);
    if (v === undefined) throw new CedarEvalError(`record does not have the attribute \`${attr}\``);
    return v;
  }
  if (target instanceof EntityRef) {
    const entity = entityOf(env, target);
    if (!entity) throw new CedarEvalError(`entity \`${target.type}::"${target.id}"\` does not exist`);
    const v = entity.attrs.get(attr);
    if (v === undefined) throw new CedarEvalError(`\`${target.type}::"${target.id}"\` does not have the attribute \`${attr}\``);
    return v;
  }
  throw typeError('entity or record', target);
}

function testAttr(env: Env, target: Value, attr: string): boolean {
  if (target instanceof CedarRecord) return target.fields.has(attr);
  if (target instanceof EntityRef) return entityOf(env, target)?.attrs.has(attr) ?? false;
  throw typeError('entity or record', target);
}

function attribute(body: unknown): Compiled {
  if (!isNode(body) || typeof body['attr'] !== 'string' || Object.keys(body).length !== 2) throw new UnsupportedConstruct('attribute node shape');
  const left = compileExpr(body['left']);
  const attr = body['attr'];
  return (env) => readAttr(env, left(env), attr);
}

/** `e has a.b.c` means `e has a && e.a has b && e.a.b has c`. */
function hasAttribute(body: unknown): Compiled {
  if (!isNode(body) || Object.keys(body).length !== 2) throw new UnsupportedConstruct('has node shape');
  const raw = body['attr'];
  const path = Array.isArray(raw) ? raw : [raw];
  if (path.length === 0 || !path.every((a): a is string => typeof a === 'string')) throw new UnsupportedConstruct('has attribute path');
  const left = compileExpr(body['left']);
  return (env) => {
    let target = left(env);
    for (let i = 0; i < path.length; i++) {
      if (!testAttr(env, target, path[i]!)) return false;
      if (i < path.length - 1) target = readAttr(env, target, path[i]!);
    }
    return true;
  };
}

function getTag(env: Env, target: Value, key: Value): Value {
  const e = asEntity(target);
  const name = asString(key);
  const entity = entityOf(env, e);
  if (!entity) throw new CedarEvalError(`entity \`${e.type}::"${e.id}"\` does not exist`);
  const v = entity.tags.get(name);
  if (v === undefined) throw new CedarEvalError(`\`${e.type}::"${e.id}"\` does not have the tag \`${name}\``);
  return v;
}

function hasTag(env: Env, target: Value, key: Value): boolean {
  const e = asEntity(target);
  const name = asString(key);
  return entityOf(env, e)?.tags.has(name) ?? false;
}

function like(body: unknown): Compiled {
  if (!isNode(body) || !Array.isArray(body['pattern']) || Object.keys(body).length !== 2) throw new UnsupportedConstruct('like node shape');
  const parts = (body['pattern'] as unknown[]).map((p) => {
    if (p === 'Wildcard') return '[\\s\\S]*';
    if (isNode(p) && typeof p['Literal'] === 'string') return escapeRegExp(p['Literal']);
    throw new UnsupportedConstruct('like pattern element');
  });
  // why /u: Cedar matches Unicode scalar values, so a wildcard must not split a surrogate pair
  const re = new RegExp(`^${parts.join('')}$`, 'u');
  const left = compileExpr(body['left']);
  return (env) => re.test(asString(left(env)));
}

function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

function isType(body: unknown): Compiled {
  if (!isNode(body) || typeof body['entity_type'] !== 'string') throw new UnsupportedConstruct('is node shape');
  const allowed = new Set(['left', 'entity_type', 'in']);
  if (!Object.keys(body).every((k) => allowed.has(k))) throw new UnsupportedConstruct('is node shape');
  const left = compileExpr(body['left']);
  const type = body['entity_type'];
  const within = body['in'] === undefined ? undefined : compileExpr(body['in']);
  return (env) => {
    const e = asEntity(left(env));
    if (e.type !== type) return false;
    return within === undefined ? true : inHierarchy(env, e, within(env));
  };
}

function ifThenElse(body: unknown): Compiled {
  if (!isNode(body) || Object.keys(body).length !== 3) throw new UnsupportedConstruct('if-then-else node shape');
  const cond = compileExpr(body['if']);
  const then = compileExpr(body['then']);
  const otherwise = compileExpr(body['else']);
  return (env) => (asBool(cond(env)) ? then(env) : otherwise(env));
}

function setLiteral(body: unknown): Compiled {
  if (!Array.isArray(body)) throw new UnsupportedConstruct('set literal shape');
  const items = body.map(compileExpr);
  return (env) => new CedarSet(items.map((item) => item(env)));
}

function recordLiteral(body: unknown): Compiled {
  if (!isNode(body)) throw new UnsupportedConstruct('record literal shape');
  const fields = Object.entries(body).map(([k, v]) => [k, compileExpr(v)] as const);
  return (env) => new CedarRecord(new Map(fields.map(([k, f]) => [k, f(env)])));
}

function extensionCall(name: string, body: unknown): Compiled {
  const fn = Object.hasOwn(EXTENSION_FUNCTIONS, name) ? EXTENSION_FUNCTIONS[name] : undefined;
  if (!fn) throw new UnsupportedConstruct(`expression \`${name}\``);
  if (!Array.isArray(body) || body.length !== fn.arity) throw new UnsupportedConstruct(`call of \`${name}\` with ${Array.isArray(body) ? body.length : 0} arguments`);
  const args = body.map(compileExpr);
  return (env) => fn.call(args.map((a) => a(env)));
}
