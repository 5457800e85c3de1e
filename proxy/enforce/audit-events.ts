/** @module The audit events the proxy writes for calls: the full decision goes to audit, never to the agent. */
import type { AuditEventInput } from '../../governance/audit/index.js';
import type { CallOutcome, GovernedCall, Verdict } from './types.js';

function base(call: GovernedCall, at: Date) {
  return {
    tenant: call.identity.tenant,
    stepId: call.callId,
    actor: { kind: 'agent' as const, id: call.identity.agentId },
    at: at.toISOString(),
  };
}

/** `proxy.call`: the verdict with every reason, the assessment and the taint evidence. */
export function callAuditInput(call: GovernedCall, verdict: Verdict, at: Date): AuditEventInput {
  return {
    ...base(call, at),
    type: 'proxy.call',
    data: {
      server: call.server,
      tool: call.tool.name,
      sessionId: call.sessionId,
      credentialId: call.identity.credentialId,
      decision: verdict.decision,
      ...(verdict.decision === 'DENY' ? { code: verdict.code, reasons: verdict.reasons } : {}),
      // why: the local allowance is recounted from these records when the proxy restarts (chargesInAudit)
      ...(verdict.decision === 'ALLOW' && verdict.allowanceUsd !== undefined ? { allowance: { costUsd: verdict.allowanceUsd } } : {}),
      ...(verdict.assessment ? { assessment: verdict.assessment } : {}),
      ...(verdict.taskId ? { taskId: verdict.taskId } : {}),
      derivedFrom: call.derivedFrom,
      args: call.args,
    },
  };
}

/** `tool.executed` or `tool.failed`: what the upstream answered to an allowed call. */
export function outcomeAuditInput(call: GovernedCall, verdict: Verdict, outcome: CallOutcome, at: Date): AuditEventInput {
  return {
    ...base(call, at),
    type: outcome.ok ? 'tool.executed' : 'tool.failed',
    data: {
      server: call.server,
      tool: call.tool.name,
      via: 'proxy',
      ...(verdict.taskId ? { taskId: verdict.taskId } : {}),
      ...(outcome.ok ? { result: outcome.result } : { error: outcome.error }),
    },
  };
}
