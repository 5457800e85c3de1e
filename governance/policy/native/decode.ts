/**
 * @module Read the Cedar request JSON (the same object cedar-wasm would receive) into native values.
 * Anything Cedar might read differently from us (numbers that are not safe integers, `null`,
 * extension escapes, ill-formed strings or names, duplicate entities) throws NeedsCedar, so such a
 * request is decided by cedar-wasm, including its "request rejected" failures.
 */
import type { StatefulAuthorizationCall } from '../cedar.js';
import { CedarRecord, CedarSet, EntityRef, NeedsCedar, type Entity, type Value } from './values.js';

/** What a policy sees while it is evaluated. */
export interface Env {
  principal: EntityRef;
  action: EntityRef;
  resource: EntityRef;
  context: CedarRecord;
  entities: ReadonlyMap<string, Entity>;
}

// why so strict: a name Cedar would refuse must make the request Cedar's to reject
const IDENT = '[_a-zA-Z][_a-zA-Z0-9]*';
const ENTITY_TYPE = new RegExp(`^${IDENT}(?:::${IDENT})*$`);
const RESERVED = new Set(['true', 'false', 'if', 'then', 'else', 'in', 'is', 'like', 'has', 'principal', 'action', 'resource', 'context', '__cedar']);

export function decodeCall(call: StatefulAuthorizationCall): Env {
  const entities = new Map<string, Entity>();
  for (const e of call.entities as unknown[]) {
    const entity = decodeEntity(e);
    if (entities.has(entity.uid.key)) throw new NeedsCedar('duplicate entity');
    entities.set(entity.uid.key, entity);
  }
  if (hasCycle(entities)) throw new NeedsCedar('entity hierarchy has a cycle');
  const context = decodeValue(call.context as unknown, 0);
  if (!(context instanceof CedarRecord)) throw new NeedsCedar('context is not a record');
  return { principal: decodeUid(call.principal), action: decodeUid(call.action), resource: decodeUid(call.resource), context, entities };
}

/** Cedar refuses a request whose entity hierarchy has a cycle (a self-parent included). */
function hasCycle(entities: ReadonlyMap<string, Entity>): boolean {
  const done = new Set<string>();
  const onPath = new Set<string>();
  const visit = (key: string): boolean => {
    if (onPath.has(key)) return true;
    if (done.has(key)) return false;
    const entity = entities.get(key);
    if (!entity) return false;
    onPath.add(key);
    for (const p of entity.parents) if (visit(p.key)) return true;
    onPath.delete(key);
    done.add(key);
    return false;
  };
  for (const [key, entity] of entities) {
    // why the pre-check: usually no parent is itself in the request, and then there is nothing to walk
    if (entity.parents.some((p) => entities.has(p.key)) && visit(key)) return true;
  }
  return false;
}

function decodeEntity(raw: unknown): Entity {
  if (!isPlainObject(raw)) throw new NeedsCedar('entity is not an object');
  for (const key of Object.keys(raw)) if (key !== 'uid' && key !== 'attrs' && key !== 'parents' && key !== 'tags') throw new NeedsCedar(`unknown entity field ${key}`);
  const attrs = raw['attrs'] === undefined ? new Map<string, Value>() : decodeMap(raw['attrs']);
  const tags = raw['tags'] === undefined ? new Map<string, Value>() : decodeMap(raw['tags']);
  const parentsRaw = raw['parents'] ?? [];
  if (!Array.isArray(parentsRaw)) throw new NeedsCedar('parents is not a list');
  return { uid: decodeUid(raw['uid']), attrs, parents: parentsRaw.map(decodeUid), tags };
}

function decodeMap(raw: unknown): Map<string, Value> {
  if (!isPlainObject(raw)) throw new NeedsCedar('attributes are not an object');
  const out = new Map<string, Value>();
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out.set(checkedString(k), decodeValue(v, 1));
  return out;
}

/** An entity uid, either `{type, id}` or `{__entity: {type, id}}`. */
/** Type names already found valid: a request names the same few types over and over. */
const checkedTypes = new Set<string>();
const MAX_CHECKED_TYPES = 1000;

export function decodeUid(raw: unknown): EntityRef {
  if (!isPlainObject(raw)) throw new NeedsCedar('entity uid is not an object');
  const escaped = Object.hasOwn(raw, '__entity');
  const inner = escaped ? raw['__entity'] : raw;
  if (escaped && Object.keys(raw).length !== 1) throw new NeedsCedar('ambiguous entity escape');
  if (!isPlainObject(inner) || Object.keys(inner).length !== 2) throw new NeedsCedar('entity uid has unexpected fields');
  const { type, id } = inner;
  if (typeof type !== 'string' || typeof id !== 'string') throw new NeedsCedar('entity uid is not strings');
  if (!checkedTypes.has(type)) {
    if (!ENTITY_TYPE.test(type) || type.split('::').some((part) => RESERVED.has(part))) throw new NeedsCedar('entity type name outside the strict subset');
    // why bounded: type names come from requests; a flood of new ones must not grow memory
    if (checkedTypes.size >= MAX_CHECKED_TYPES) checkedTypes.clear();
    checkedTypes.add(type);
  }
  return new EntityRef(type, checkedString(id));
}

const MAX_DEPTH = 64;

function decodeValue(raw: unknown, depth: number): Value {
  if (depth > MAX_DEPTH) throw new NeedsCedar('value nested too deeply');
  switch (typeof raw) {
    case 'string': return checkedString(raw);
    case 'boolean': return raw;
    case 'number':
      if (!Number.isSafeInteger(raw) || Object.is(raw, -0)) throw new NeedsCedar('number is not a safe integer');
      return raw;
    case 'object': {
      if (Array.isArray(raw)) return new CedarSet(raw.map((v: unknown) => decodeValue(v, depth + 1)));
      if (!isPlainObject(raw)) throw new NeedsCedar('value is not JSON');
      if (Object.hasOwn(raw, '__entity')) return decodeUid(raw);
      if (Object.hasOwn(raw, '__extn') || Object.hasOwn(raw, '__expr')) throw new NeedsCedar('extension values in requests go to cedar-wasm');
      // why: a `{type, id}` record might be read as an entity reference; cedar-wasm decides
      if (Object.keys(raw).length === 2 && Object.hasOwn(raw, 'type') && Object.hasOwn(raw, 'id')) throw new NeedsCedar('record shaped like an entity uid');
      const fields = new Map<string, Value>();
      // why skip undefined: JSON.stringify, which feeds cedar-wasm, drops such fields
      for (const [k, v] of Object.entries(raw)) if (v !== undefined) fields.set(checkedString(k), decodeValue(v, depth + 1));
      return new CedarRecord(fields);
    }
    default:
      throw new NeedsCedar('value is not JSON');
  }
}

const ANY_SURROGATE = /[\uD800-\uDFFF]/;
// why /u: in Unicode mode a proper pair is one code point, so only a lone half matches Cs
const LONE_SURROGATE = /\p{Cs}/u;

function checkedString(s: string): string {
  // why: a lone surrogate survives JSON.stringify as an escape that Rust strings cannot hold
  if (ANY_SURROGATE.test(s) && LONE_SURROGATE.test(s)) throw new NeedsCedar('string is not well-formed UTF-16');
  return s;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
