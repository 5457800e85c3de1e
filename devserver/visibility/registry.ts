/**
 * @module The search attribute registry of one namespace: Temporal's reserved attributes plus the
 * custom ones added through OperatorService or `--search-attribute`. Queries resolve names here and
 * upserts are checked here.
 */
import { z } from 'zod';
import { DEFAULT_ATTRIBUTES, RESERVED_PREFIX, parseSearchAttributeType, type AttributeKind } from './attributes.js';
import { VisibilityError, quote } from './errors.js';
import type { SearchAttributeType } from './types.js';
import { MAX_TOTAL_BYTES, normaliseValue } from './values.js';

export interface ResolvedAttribute {
  /** The canonical name (after alias resolution). */
  readonly name: string;
  readonly type: SearchAttributeType;
  readonly kind: AttributeKind;
}

// why: names go into queries (backquoted when not plain) and become object keys on rows; `__proto__`
// would change a row's prototype when the server assigns it, so names are kept to a safe alphabet.
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,254}$/;

const PersistedSchema = z.record(z.string(), z.string());

export class SearchAttributeRegistry {
  readonly #custom = new Map<string, SearchAttributeType>();
  #version = 0;

  constructor(initial?: Record<string, SearchAttributeType>) {
    for (const [name, type] of Object.entries(initial ?? {})) this.add(name, type);
  }

  /** Rebuild a registry from `toJSON()` output read back from storage; throws INVALID_ARGUMENT. */
  static fromJSON(json: unknown): SearchAttributeRegistry {
    const parsed = PersistedSchema.safeParse(json);
    if (!parsed.success) throw new VisibilityError('INVALID_ARGUMENT', 'invalid persisted search attributes: expected an object of name to type');
    const registry = new SearchAttributeRegistry();
    for (const [name, type] of Object.entries(parsed.data)) registry.add(name, parseSearchAttributeType(type));
    return registry;
  }

  /** Increases on every change, so compiled queries can be cached against it. */
  get version(): number {
    return this.#version;
  }

  /** Register a custom attribute; idempotent for the same type, ALREADY_EXISTS for another one. */
  add(name: string, type: SearchAttributeType | string): void {
    const parsedType = parseSearchAttributeType(type);
    if (typeof name !== 'string' || !NAME.test(name) || name === '__proto__') {
      throw new VisibilityError('INVALID_ARGUMENT', `invalid search attribute name ${quote(name)}: use letters, digits, \`_\`, \`.\` or \`-\`, starting with a letter or \`_\`, at most 255 characters`);
    }
    if (DEFAULT_ATTRIBUTES.has(name) || name.startsWith(RESERVED_PREFIX)) {
      throw new VisibilityError('INVALID_ARGUMENT', `search attribute name ${quote(name)} is reserved`);
    }
    const existing = this.#custom.get(name);
    if (existing === parsedType) return;
    if (existing !== undefined) {
      throw new VisibilityError('ALREADY_EXISTS', `search attribute ${quote(name)} already exists with type ${existing}`);
    }
    this.#custom.set(name, parsedType);
    this.#version++;
  }

  /** Remove a custom attribute; values already stored on runs stay but no longer match queries. */
  remove(name: string): void {
    if (DEFAULT_ATTRIBUTES.has(name)) throw new VisibilityError('INVALID_ARGUMENT', `search attribute ${quote(name)} is reserved and cannot be removed`);
    if (!this.#custom.delete(name)) throw new VisibilityError('NOT_FOUND', `search attribute ${quote(name)} is not registered`);
    this.#version++;
  }

  /** Every attribute a query may use: the reserved ones and the custom ones. */
  list(): Record<string, SearchAttributeType> {
    const all: Record<string, SearchAttributeType> = {};
    for (const [name, def] of DEFAULT_ATTRIBUTES) all[name] = def.type;
    return Object.assign(all, this.customAttributes());
  }

  customAttributes(): Record<string, SearchAttributeType> {
    return Object.fromEntries(this.#custom);
  }

  /** The type of an attribute by its exact name, or undefined. */
  typeOf(name: string): SearchAttributeType | undefined {
    return this.#custom.get(name) ?? DEFAULT_ATTRIBUTES.get(name)?.type;
  }

  /**
   * Resolve a name as a query uses it: custom first, then reserved, then the unprefixed alias of a
   * `Temporal…` attribute (Temporal 1.30's aliasing: `SchedulePaused` → `TemporalSchedulePaused`).
   */
  resolve(name: string): ResolvedAttribute | undefined {
    const custom = this.#custom.get(name);
    if (custom !== undefined) return { name, type: custom, kind: 'custom' };
    const def = DEFAULT_ATTRIBUTES.get(name) ?? DEFAULT_ATTRIBUTES.get(RESERVED_PREFIX + name);
    if (def === undefined) return undefined;
    return { name: DEFAULT_ATTRIBUTES.has(name) ? name : RESERVED_PREFIX + name, type: def.type, kind: def.kind };
  }

  /**
   * Check the values a start request or an UpsertWorkflowSearchAttributes command sets and return
   * them canonicalised (`null` = unset). Throws INVALID_ARGUMENT naming the attribute.
   */
  validateUpsert(values: Record<string, unknown>): Record<string, unknown> {
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      throw new VisibilityError('INVALID_ARGUMENT', 'search attributes must be an object of name to value');
    }
    const out: [string, unknown][] = [];
    let total = 0;
    for (const [name, value] of Object.entries(values)) {
      const normalised = normaliseValue(name, this.#upsertableType(name), value);
      if (normalised !== null) total += Buffer.byteLength(name) + Buffer.byteLength(JSON.stringify(normalised));
      out.push([name, normalised]);
    }
    if (total > MAX_TOTAL_BYTES) {
      throw new VisibilityError('INVALID_ARGUMENT', `search attributes total ${total} bytes, over the limit of ${MAX_TOTAL_BYTES}`);
    }
    return Object.fromEntries(out);
  }

  #upsertableType(name: string): SearchAttributeType {
    const custom = this.#custom.get(name);
    if (custom !== undefined) return custom;
    const def = DEFAULT_ATTRIBUTES.get(name);
    if (def === undefined) throw new VisibilityError('INVALID_ARGUMENT', `unknown search attribute ${quote(name)}`);
    if (def.kind === 'system') throw new VisibilityError('INVALID_ARGUMENT', `search attribute ${quote(name)} is a system attribute and cannot be set`);
    return def.type;
  }

  /** The custom attributes, for the server to persist; `fromJSON` reads it back. */
  toJSON(): Record<string, SearchAttributeType> {
    return this.customAttributes();
  }
}
