/**
 * @module replay: pure functions over a governed task's Temporal history — reconstruct (summary,
 * timeline, graph), diff, what-if, evidence bundles and their verifier. The determinism check starts
 * a replay worker and is exported from `replay/determinism/index.js` only, so importing this module
 * stays free of I/O.
 */
export { reconstruct, historyDigestOf, graphToJSON, graphToMermaid, graphToDot, RECORD_VERSION } from './reconstruct/index.js';
export type {
  ApprovalRecord, ExecutionGraph, GraphEdge, GraphEdgeKind, GraphNode, GraphNodeKind, PlanStepSummary, ReconstructOptions,
  ReplayRecord, ReplaySummary, StepAssessmentRecord, StepRecord, TimelineEntry, TimelineKind, Unrecognised,
} from './reconstruct/index.js';
export { diffRecords, diffToMarkdown, jsonDiff } from './diff/index.js';
export type { ReplayDiff, StepChange, StepRef, ValueChange, DecisionSide } from './diff/index.js';
export { whatIf, policyDriftReport } from './what-if/index.js';
export type { DriftGroup, DriftReport, WhatIfResult, WhatIfSide, WhatIfStep } from './what-if/index.js';
export {
  buildEvidenceBundle, evidenceBundleToJSON, verifyEvidenceBundle, evidenceSummaryMarkdown, evidenceSummaryHtml, CONTROL_MAPPINGS, BUNDLE_FORMAT, PART_NAMES,
} from './evidence/index.js';
export type { EvidenceBundle, EvidenceInput, EvidenceManifest, EvidenceSigner, VerifyFailure, VerifyFailureCode, VerifyResult } from './evidence/index.js';
export { historyToPlainJson } from './history/to-json.js';
export type { HistoryJson } from './history/to-json.js';
export { historyFromPlainJson } from './history/from-json.js';
export { readHistory } from './history/events.js';
