/** @module Bound approvals: the record, its binding hash and the pure decision rules. */
export {
  APPROVAL_STATUSES,
  ApprovalRecordSchema,
  ApprovalRequestSchema,
  BindingFieldsSchema,
  PlanVersionSchema,
  approvalBinding,
  openApproval,
  expireIfDue,
} from './record.js';
export type { ApprovalStatus, ApprovalRecord, ApprovalRequest, BindingFields } from './record.js';
export { decideApproval, DecisionInputSchema } from './decide.js';
export type { DecisionInput, DecideResult, DecideError, DecideErrorCode } from './decide.js';
