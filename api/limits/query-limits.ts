/**
 * @module A validation rule bounding what one GraphQL document may ask for: selection depth, aliases
 * and total field count (fragments expanded). Written here because no maintained envelop limit plugin
 * is installed; it is small, and memoising fragment costs keeps it linear even for fragment bombs.
 */
import { createGraphQLError } from 'graphql-yoga';
import {
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ASTVisitor,
} from 'graphql';

export interface QueryLimits {
  /** Deepest field nesting allowed outside introspection (the root field is depth 1). */
  maxDepth: number;
  /** Deepest nesting allowed under `__schema` / `__type` (GraphiQL's introspection needs ~15). */
  maxIntrospectionDepth: number;
  /** Aliased fields allowed in one operation, fragments expanded. */
  maxAliases: number;
  /** Field selections allowed in one operation, fragments expanded. */
  maxFields: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxIntrospectionDepth: 20, maxAliases: 30, maxFields: 1500 };

interface Cost {
  depth: number;
  introspectionDepth: number;
  aliases: number;
  fields: number;
}

const ZERO: Cost = { depth: 0, introspectionDepth: 0, aliases: 0, fields: 0 };

class CostWalker {
  private readonly memo = new Map<string, Cost>();
  private readonly visiting = new Set<string>();

  constructor(private readonly fragment: (name: string) => FragmentDefinitionNode | null | undefined) {}

  selectionSet(set: SelectionSetNode | undefined, inIntrospection: boolean): Cost {
    if (!set) return ZERO;
    const total: Cost = { ...ZERO };
    for (const sel of set.selections) {
      const c = sel.kind === Kind.FIELD ? this.field(sel, inIntrospection)
        : sel.kind === Kind.INLINE_FRAGMENT ? this.selectionSet(sel.selectionSet, inIntrospection)
          : this.spread(sel.name.value, inIntrospection);
      add(total, c);
    }
    return total;
  }

  private field(node: FieldNode, inIntrospection: boolean): Cost {
    const introspection = inIntrospection || node.name.value === '__schema' || node.name.value === '__type';
    const inner = this.selectionSet(node.selectionSet, introspection);
    return {
      depth: introspection ? 0 : inner.depth + 1,
      introspectionDepth: introspection ? inner.introspectionDepth + 1 : 0,
      aliases: inner.aliases + (node.alias ? 1 : 0),
      fields: inner.fields + 1,
    };
  }

  private spread(name: string, inIntrospection: boolean): Cost {
    const key = `${inIntrospection ? 'i' : 'o'}:${name}`;
    const known = this.memo.get(key);
    if (known) return known;
    // why: a fragment cycle is reported by graphql-js's NoFragmentCyclesRule; here it only must not loop.
    if (this.visiting.has(key)) return ZERO;
    this.visiting.add(key);
    const c = this.selectionSet(this.fragment(name)?.selectionSet, inIntrospection);
    this.visiting.delete(key);
    this.memo.set(key, c);
    return c;
  }
}

function add(total: Cost, c: Cost): void {
  total.depth = Math.max(total.depth, c.depth);
  total.introspectionDepth = Math.max(total.introspectionDepth, c.introspectionDepth);
  // why: counts saturate instead of overflowing when fragments multiply each other.
  total.aliases = Math.min(total.aliases + c.aliases, Number.MAX_SAFE_INTEGER);
  total.fields = Math.min(total.fields + c.fields, Number.MAX_SAFE_INTEGER);
}

function violations(cost: Cost, limits: QueryLimits): string[] {
  const out: string[] = [];
  if (cost.depth > limits.maxDepth) out.push(`query depth ${cost.depth} exceeds the limit of ${limits.maxDepth}`);
  if (cost.introspectionDepth > limits.maxIntrospectionDepth) out.push(`introspection depth ${cost.introspectionDepth} exceeds the limit of ${limits.maxIntrospectionDepth}`);
  if (cost.aliases > limits.maxAliases) out.push(`query uses ${cost.aliases} aliases, more than the limit of ${limits.maxAliases}`);
  if (cost.fields > limits.maxFields) out.push(`query selects ${cost.fields} fields, more than the limit of ${limits.maxFields}`);
  return out;
}

/** Build the validation rule; each violated limit is one error with code QUERY_TOO_COMPLEX. */
export function queryLimitsRule(limits: QueryLimits = DEFAULT_QUERY_LIMITS): (context: ValidationContext) => ASTVisitor {
  return (context) => ({
    OperationDefinition(node: OperationDefinitionNode) {
      const walker = new CostWalker((name) => context.getFragment(name));
      const cost = walker.selectionSet(node.selectionSet, false);
      for (const message of violations(cost, limits)) {
        context.reportError(createGraphQLError(message, { nodes: [node], extensions: { code: 'QUERY_TOO_COMPLEX' } }));
      }
    },
  });
}
