/** @module evidence: signed, redacted evidence bundles of governed tasks, and their offline verifier. */
export { buildEvidenceBundle, evidenceBundleToJSON, partDigest } from './build.js';
export { verifyEvidenceBundle } from './verify.js';
export { evidenceSummaryMarkdown, evidenceSummaryHtml } from './render.js';
export { CONTROL_MAPPINGS, controlsPart, observe } from './controls.js';
export { JWS_TYPE } from './sign.js';
export { BUNDLE_FORMAT, PART_NAMES, EvidenceInputSchema } from './types.js';
export type { ControlMapping, Observations } from './controls.js';
export type {
  ChainedAuditEvent,
  EvidenceBundle,
  EvidenceInput,
  EvidenceManifest,
  EvidenceParts,
  EvidenceSigner,
  PartName,
  VerifyFailure,
  VerifyFailureCode,
  VerifyResult,
} from './types.js';
