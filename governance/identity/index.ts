/** @module Agent identity: Ed25519 key ring, EdDSA agent credentials, verification, API keys and roles. */
export { ROLES, RoleSchema } from './roles.js';
export type { Role } from './roles.js';
export {
  SigningKeyRecordSchema,
  PublicJwkSchema,
  PrivateJwkSchema,
  KEY_STATUSES,
  generateSigningKey,
  rotateSigningKeys,
  removeSigningKey,
  createKeyRing,
} from './keys.js';
export type { SigningKeyRecord, PublicJwk, PrivateJwk, PublishedJwk, KeyRing } from './keys.js';
export { AgentClaimsSchema, ActClaimSchema, MAX_DELEGATION_DEPTH, actFromChain, chainFromAct } from './claims.js';
export type { AgentClaims, ActClaim } from './claims.js';
export { issueAgentCredential, IssueCredentialParamsSchema, AGENT_JWT_TYPE, MAX_CREDENTIAL_TTL_SECONDS } from './issue.js';
export type { IssueCredentialParams, IssuedCredential } from './issue.js';
export { verifyAgentCredential, MAX_TOKEN_BYTES, DEFAULT_CLOCK_TOLERANCE_SEC } from './verify.js';
export type { VerifyContext, VerifyResult, UnverifiedHints } from './verify.js';
export { VERIFY_FAILURE_CODES } from './failures.js';
export type { VerifyFailure, VerifyFailureCode } from './failures.js';
export { verificationAuditEvent } from './audit-event.js';
export type { VerificationAuditMeta } from './audit-event.js';
export { API_KEY_PREFIX, generateApiKey, hashApiKey, apiKeyId, constantTimeEqual, verifyApiKey } from './api-keys.js';
export type { GeneratedApiKey } from './api-keys.js';
