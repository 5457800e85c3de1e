/** @module Shared shapes of the visibility module: attribute types, execution statuses, rows. */

export type SearchAttributeType = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

export const SEARCH_ATTRIBUTE_TYPES: readonly SearchAttributeType[] = ['Keyword', 'Text', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'];

/** In the order of Temporal's WorkflowExecutionStatus enum (1..7); ORDER BY ExecutionStatus sorts by it. */
export const EXECUTION_STATUSES = ['Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'ContinuedAsNew', 'TimedOut'] as const;
export type ExecutionStatusName = (typeof EXECUTION_STATUSES)[number];

/**
 * What the server keeps per run for listing. Times are epoch milliseconds. `searchAttributes` holds
 * custom and predefined attribute values in the form `validateUpsert` returns (Datetime as an ISO
 * string, KeywordList as a string array). System attributes without a field here (ParentWorkflowId,
 * StateTransitionCount, ...) are read from `searchAttributes` when the server puts them there.
 */
export interface VisibilityRow {
  workflowId: string;
  runId: string;
  workflowType: string;
  executionStatus: ExecutionStatusName;
  taskQueue: string;
  startTime: number;
  executionTime: number;
  closeTime?: number;
  historyLength: number;
  searchAttributes: Record<string, unknown>;
}

/** A payload as protobufjs hands it over (`bytes` decoded to Buffer/Uint8Array). */
export interface Payload {
  metadata?: Record<string, Uint8Array> | null;
  data?: Uint8Array | null;
}
