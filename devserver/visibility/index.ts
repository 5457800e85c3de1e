/**
 * @module Visibility for the embedded Temporal service: the search attribute registry, search
 * attribute payloads, and the list-filter language behind ListWorkflowExecutions and
 * CountWorkflowExecutions. Pure: no I/O, no gRPC.
 */
export type { CompareOp, Expr, FieldRef, Literal, OrderTerm, VisibilityQuery } from './ast.js';
export { DEFAULT_ATTRIBUTES, parseSearchAttributeType } from './attributes.js';
export type { AttributeDef, AttributeKind } from './attributes.js';
export { VisibilityError, isVisibilityError } from './errors.js';
export type { VisibilityErrorCode } from './errors.js';
export { MAX_NESTING, MAX_QUERY_LENGTH, parseVisibilityQuery } from './parser.js';
export { decodeSearchAttributePayloads, encodeSearchAttributeValues } from './payloads.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, compileVisibilityQuery, countExecutions, queryExecutions } from './query.js';
export type { CompiledQuery, CountResult, ListOptions } from './query.js';
export { SearchAttributeRegistry } from './registry.js';
export type { ResolvedAttribute } from './registry.js';
export { EXECUTION_STATUSES, SEARCH_ATTRIBUTE_TYPES } from './types.js';
export type { ExecutionStatusName, Payload, SearchAttributeType, VisibilityRow } from './types.js';
export { MAX_TOTAL_BYTES, MAX_VALUE_BYTES } from './values.js';
