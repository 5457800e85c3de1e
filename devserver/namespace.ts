/**
 * @module Namespaces: `default` plus any given at start, each with its own search-attribute registry.
 * Custom search attributes are persisted in the store's meta table so they survive restarts.
 */
import { randomUUID } from 'node:crypto';
import { SearchAttributeRegistry, type SearchAttributeType } from './visibility/index.js';
import { namespaceNotFound } from './errors.js';

export interface Namespace {
  name: string;
  id: string;
  registry: SearchAttributeRegistry;
}

export class Namespaces {
  private readonly byName = new Map<string, Namespace>();

  constructor(names: string[], initial: Record<string, SearchAttributeType>, persisted: Map<string, string>) {
    for (const name of new Set(['default', ...names])) {
      const saved = persisted.get(`ns:${name}`);
      const info = saved ? (JSON.parse(saved) as { id: string; attrs: Record<string, SearchAttributeType> }) : undefined;
      const registry = new SearchAttributeRegistry({ ...(info?.attrs ?? {}), ...initial });
      this.byName.set(name, { name, id: info?.id ?? randomUUID(), registry });
    }
  }

  get(name: unknown): Namespace {
    const n = typeof name === 'string' && name.length > 0 ? name : '';
    const ns = this.byName.get(n);
    if (!ns) throw namespaceNotFound(n);
    return ns;
  }

  /** Name of the namespace with this id (NOT_FOUND naming the id when there is none). */
  byId(id: string): string {
    for (const ns of this.byName.values()) if (ns.id === id) return ns.name;
    throw namespaceNotFound(id);
  }

  all(): Namespace[] {
    return [...this.byName.values()];
  }

  /** Meta row persisting a namespace's id and custom attributes. */
  static metaRow(ns: Namespace): [string, string] {
    return [`ns:${ns.name}`, JSON.stringify({ id: ns.id, attrs: ns.registry.customAttributes() })];
  }
}
