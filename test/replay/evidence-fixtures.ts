/** @module Inputs for evidence tests: scenario histories with audit chains, approvals, policies and keys. */
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { chainHash, GENESIS_HASH } from '../../governance/audit/index.js';
import type { EvidenceInput, EvidenceSigner } from '../../replay/evidence/index.js';
import { reconstruct } from '../../replay/reconstruct/index.js';
import { governedHistory, type TaskSpec } from './scenarios.js';

export async function keyPair(kid: string): Promise<{ signer: EvidenceSigner; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
  return { signer: { kid, privateJwk: { ...(await exportJWK(privateKey)), kid } }, publicJwk: { ...(await exportJWK(publicKey)), kid } };
}

export function auditChain(taskId: string, bodies: Array<Record<string, unknown>>): Array<{ chainId: string; chainSeq: number; seq: number; prevHash: string; hash: string; event: Record<string, unknown> }> {
  let prev = GENESIS_HASH;
  return bodies.map((event, i) => {
    const hash = chainHash(prev, i + 1, event);
    const e = { chainId: taskId, chainSeq: i + 1, seq: 100 + i, prevHash: prev, hash, event };
    prev = hash;
    return e;
  });
}

export function taskInput(spec: TaskSpec, extra: { auditData?: Record<string, unknown> } = {}): EvidenceInput['tasks'][number] {
  const history = governedHistory(spec);
  const record = reconstruct(history);
  const audit = auditChain(spec.taskId, [
    { schemaVersion: 1, eventId: `${spec.taskId}-1`, tenant: 'demo', taskId: spec.taskId, type: 'plan.extracted', actor: { kind: 'system', id: 'interceptor' }, at: '2026-11-20T10:00:01.000Z', data: { planId: `plan-${spec.taskId}` } },
    { schemaVersion: 1, eventId: `${spec.taskId}-2`, tenant: 'demo', taskId: spec.taskId, type: 'step.assessed', actor: { kind: 'agent', id: 'agent-1' }, at: '2026-11-20T10:00:02.000Z', data: { decision: 'ALLOW', ...extra.auditData } },
    { schemaVersion: 1, eventId: `${spec.taskId}-3`, tenant: 'demo', taskId: spec.taskId, type: 'task.completed', actor: { kind: 'system', id: 'interceptor' }, at: '2026-11-20T10:00:03.000Z', data: {} },
  ]);
  const approvals = record.summary.approvals.map((a) => ({ approvalId: a.approvalId, taskId: spec.taskId, stepId: a.stepId, status: a.status, decidedBy: a.decidedBy ?? null, reason: a.reason ?? null }));
  return { taskId: spec.taskId, metadata: { submittedAt: '2026-11-20T10:00:00.000Z' }, history, auditEvents: audit, approvals };
}

export const POLICY_TEXT = '@id("permit-reads")\npermit (principal, action == Action::"call_tool", resource) when { resource.sideEffect == "read" };';
export const POLICIES = [{ version: 'pv-1', text: POLICY_TEXT }, { version: 'pv-0', text: '@id("deny-all")\nforbid (principal, action, resource);' }];

export function agentKeys(publicJwk: JWK): EvidenceInput['agentKeys'] {
  return [{ kid: 'kid-1', agentId: 'agent-1', publicJwk: publicJwk as Record<string, unknown>, credentialIds: ['cred-1'] }, { kid: 'kid-0', agentId: 'agent-0', publicJwk: publicJwk as Record<string, unknown>, credentialIds: [] }];
}
