/** @module reconstruct: a governed task's summary, timeline and execution graph from its Temporal history. */
export { reconstruct, historyDigestOf } from './build.js';
export { graphToJSON, graphToMermaid, graphToDot } from './export.js';
export { RECORD_VERSION } from './types.js';
export type {
  ApprovalRecord,
  ExecutionGraph,
  GraphEdge,
  GraphEdgeKind,
  GraphNode,
  GraphNodeKind,
  PlanStepSummary,
  ReconstructOptions,
  ReplayRecord,
  ReplaySummary,
  StepAssessmentRecord,
  StepRecord,
  TimelineEntry,
  TimelineKind,
  Unrecognised,
} from './types.js';
