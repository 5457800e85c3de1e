/**
 * @module The attribute catalogue: Temporal's default search attributes and the parser for type names
 * as the CLI (`--search-attribute K=keywordlist`), the proto enum (`INDEXED_VALUE_TYPE_KEYWORD_LIST`,
 * or its number) and the SDK (`KEYWORD_LIST`, `KeywordList`) spell them.
 */
import { VisibilityError, quote } from './errors.js';
import { SEARCH_ATTRIBUTE_TYPES, type SearchAttributeType } from './types.js';

/**
 * `system`: derived from the run itself; read-only. `predefined`: reserved names that workflows,
 * workers or the server may set (TemporalChangeVersion is upserted by `patched()`), stored with
 * the custom values in `VisibilityRow.searchAttributes`.
 */
export type AttributeKind = 'system' | 'predefined' | 'custom';

export interface AttributeDef {
  readonly type: SearchAttributeType;
  readonly kind: AttributeKind;
}

const SYSTEM: Record<string, SearchAttributeType> = {
  WorkflowId: 'Keyword', RunId: 'Keyword', WorkflowType: 'Keyword', ExecutionStatus: 'Keyword',
  TaskQueue: 'Keyword', StartTime: 'Datetime', CloseTime: 'Datetime', ExecutionTime: 'Datetime',
  ExecutionDuration: 'Int', HistoryLength: 'Int', HistorySizeBytes: 'Int', StateTransitionCount: 'Int',
  ParentWorkflowId: 'Keyword', ParentRunId: 'Keyword', RootWorkflowId: 'Keyword', RootRunId: 'Keyword',
};

const PREDEFINED: Record<string, SearchAttributeType> = {
  BuildIds: 'KeywordList', BinaryChecksums: 'KeywordList', TemporalChangeVersion: 'KeywordList',
  BatcherUser: 'Keyword', BatcherNamespace: 'Keyword', TemporalNamespaceDivision: 'Keyword',
  TemporalScheduledStartTime: 'Datetime', TemporalScheduledById: 'Keyword', TemporalSchedulePaused: 'Bool',
  TemporalPauseInfo: 'KeywordList', TemporalReportedProblems: 'KeywordList', TemporalWorkerDeployment: 'Keyword',
  TemporalWorkerDeploymentVersion: 'Keyword', TemporalWorkflowVersioningBehavior: 'Keyword',
};

/** Every reserved name with its type and kind (frozen entries, safe to share). */
export const DEFAULT_ATTRIBUTES: ReadonlyMap<string, AttributeDef> = new Map<string, AttributeDef>([
  ...Object.entries(SYSTEM).map(([n, type]): [string, AttributeDef] => [n, Object.freeze({ type, kind: 'system' })]),
  ...Object.entries(PREDEFINED).map(([n, type]): [string, AttributeDef] => [n, Object.freeze({ type, kind: 'predefined' })]),
]);

/** The prefix Temporal reserves for its own attributes; `SchedulePaused` may alias `TemporalSchedulePaused`. */
export const RESERVED_PREFIX = 'Temporal';

const BY_NORMALISED: Record<string, SearchAttributeType> = {
  keyword: 'Keyword', text: 'Text', int: 'Int', double: 'Double', bool: 'Bool', boolean: 'Bool',
  datetime: 'Datetime', keywordlist: 'KeywordList',
};

/** Proto enum numbers of IndexedValueType (TEXT=1 ... KEYWORD_LIST=7). */
const BY_ENUM_NUMBER: Record<number, SearchAttributeType> = {
  1: 'Text', 2: 'Keyword', 3: 'Int', 4: 'Double', 5: 'Bool', 6: 'Datetime', 7: 'KeywordList',
};

/** Parse a type name in any of Temporal's spellings, case-insensitively; throws INVALID_ARGUMENT. */
export function parseSearchAttributeType(text: string | number): SearchAttributeType {
  const found = typeof text === 'number' ? BY_ENUM_NUMBER[text] : fromText(text);
  if (found) return found;
  throw new VisibilityError('INVALID_ARGUMENT',
    `unknown search attribute type ${quote(text)}: expected one of ${SEARCH_ATTRIBUTE_TYPES.join(', ')}`);
}

function fromText(text: unknown): SearchAttributeType | undefined {
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  if (/^[1-7]$/.test(trimmed)) return BY_ENUM_NUMBER[Number(trimmed)];
  const key = trimmed.toLowerCase().replace(/^indexed_value_type_/, '').replace(/[_-]/g, '');
  return Object.hasOwn(BY_NORMALISED, key) ? BY_NORMALISED[key] : undefined;
}
