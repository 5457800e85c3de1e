/** @module The two custom scalars: JSON (any JSON value) and DateTime (RFC 3339, always UTC on output). */
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';

function literalToJson(node: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => literalToJson(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalToJson(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    default:
      throw createGraphQLError('enum values are not JSON');
  }
}

export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (node, variables) => literalToJson(node, variables),
});

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

function parseDate(value: unknown): Date {
  if (typeof value !== 'string' || !RFC3339.test(value)) throw createGraphQLError('DateTime must be an RFC 3339 string such as `2026-11-25T21:00:00Z`', { extensions: { code: 'BAD_USER_INPUT' } });
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw createGraphQLError(`DateTime \`${value}\` is not a valid instant`, { extensions: { code: 'BAD_USER_INPUT' } });
  return d;
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An RFC 3339 timestamp; always returned in UTC.',
  serialize: (v) => {
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'string') return new Date(v).toISOString();
    throw createGraphQLError('DateTime cannot represent this value');
  },
  parseValue: parseDate,
  parseLiteral: (node) => parseDate(node.kind === Kind.STRING ? node.value : undefined),
});
