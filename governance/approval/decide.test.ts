import { describe, expect, it } from 'vitest';
import { digestJson, sha256Hex } from '../../lib/canonical-json.js';
import { decideApproval, type DecisionInput } from './decide.js';
import { approvalBinding, expireIfDue, openApproval, type ApprovalRecord } from './record.js';

const T0 = new Date('2026-11-25T12:00:00.000Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const ARGS = sha256Hex('{"path":"/etc/passwd"}');

const pending: ApprovalRecord = openApproval({
  approvalId: 'apr-1', tenant: 'acme', taskId: 'task-1', stepId: 's2', tool: 'fs.read', argsDigest: ARGS, planVersion: 3,
  submittedBy: 'bob', actingFor: ['alice', 'svc-batch'], agentId: 'agent-7', policyIds: ['require-approval-fs'], ttlSeconds: 600,
}, T0);

const carol = { id: 'carol', roles: ['approver' as const], tenant: 'acme' };
const approve = (over: Partial<DecisionInput> = {}): DecisionInput => ({ approvalId: 'apr-1', decision: 'APPROVE', reason: 'looks fine', decidedBy: carol, binding: pending.binding, ...over });

describe('openApproval and approvalBinding', () => {
  it('opens a PENDING approval bound to the step', () => {
    expect(pending).toMatchObject({ status: 'PENDING', requestedAt: '2026-11-25T12:00:00.000Z', expiresAt: '2026-11-25T12:10:00.000Z' });
    expect(pending.binding).toBe(digestJson({ taskId: 'task-1', stepId: 's2', tool: 'fs.read', argsDigest: ARGS, planVersion: 3 }));
  });

  it('changes the binding when any bound field changes', () => {
    const base = { taskId: 'task-1', stepId: 's2', tool: 'fs.read', argsDigest: ARGS, planVersion: 3 };
    const b = approvalBinding(base);
    for (const patch of [{ taskId: 'task-2' }, { stepId: 's3' }, { tool: 'fs.write' }, { argsDigest: sha256Hex('x') }, { planVersion: 4 }]) {
      expect(approvalBinding({ ...base, ...patch })).not.toBe(b);
    }
  });

  it('refuses malformed binding fields', () => {
    expect(() => approvalBinding({ taskId: 't', stepId: 's', tool: 'x', argsDigest: 'abc', planVersion: 1 })).toThrowError(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});

describe('decideApproval', () => {
  it('approves a pending approval for a separate approver', () => {
    const r = decideApproval(pending, approve(), at(60));
    expect(r).toEqual({ ok: true, next: { ...pending, status: 'APPROVED', decidedBy: 'carol', decidedAt: at(60).toISOString(), reason: 'looks fine' } });
  });

  it('denies with a reason, and accepts a decision without a binding', () => {
    const r = decideApproval(pending, approve({ decision: 'DENY', reason: '  reads secrets  ', binding: undefined }), at(60));
    expect(r).toMatchObject({ ok: true, next: { status: 'DENIED', reason: 'reads secrets' } });
  });

  it.each<[string, ApprovalRecord, Partial<DecisionInput>, number, string, RegExp]>([
    ['an unknown approval id', pending, { approvalId: 'apr-9' }, 60, 'NOT_FOUND', /^approval `apr-9` was not found$/],
    ['an approver from another tenant', pending, { decidedBy: { ...carol, tenant: 'globex' } }, 60, 'NOT_FOUND', /was not found/],
    ['a user without the approver role', pending, { decidedBy: { ...carol, roles: ['investigator', 'admin'] } }, 60, 'FORBIDDEN', /does not hold the `approver` role/],
    ['an approval already approved', { ...pending, status: 'APPROVED', decidedBy: 'dave' }, {}, 60, 'CONFLICT', /already decided: `APPROVED`/],
    ['an approval already denied', { ...pending, status: 'DENIED' }, {}, 60, 'CONFLICT', /already decided: `DENIED`/],
    ['an approval marked expired', { ...pending, status: 'EXPIRED' }, {}, 60, 'EXPIRED', /expired at `2026-11-25T12:10:00.000Z`/],
    ['a decision at the deadline', pending, {}, 600, 'EXPIRED', /expired/],
    ['the submitter of the task', pending, { decidedBy: { ...carol, id: 'Bob ' } }, 60, 'FORBIDDEN', /submitted this task.*separation of duties/],
    ['a user in the delegation chain', pending, { decidedBy: { ...carol, id: 'svc-batch' } }, 60, 'FORBIDDEN', /delegation chain.*separation of duties/],
    ['the agent itself', pending, { decidedBy: { ...carol, id: 'agent-7' } }, 60, 'FORBIDDEN', /agent that asked/],
    ['a binding other than the one shown', pending, { binding: approvalBinding({ taskId: 'task-1', stepId: 's2', tool: 'fs.read', argsDigest: sha256Hex('other'), planVersion: 3 }) }, 60, 'BINDING_MISMATCH', /reload the step/],
    ['a record whose arguments changed after the request', { ...pending, argsDigest: sha256Hex('swapped') }, { binding: undefined }, 60, 'BINDING_MISMATCH', /step changed/],
    ['a denial without a reason', pending, { decision: 'DENY', reason: '   ' }, 60, 'BAD_USER_INPUT', /^a denial needs a reason$/],
    ['an unknown decision', pending, { decision: 'MAYBE' as never }, 60, 'BAD_USER_INPUT', /`decision`/],
    ['an unknown role', pending, { decidedBy: { ...carol, roles: ['root' as never] } }, 60, 'BAD_USER_INPUT', /`decidedBy.roles\[0\]`/],
  ])('refuses %s', (_name, record, patch, seconds, code, message) => {
    const r = decideApproval(record, approve(patch), at(seconds));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.message).toMatch(message);
      expect(r.error.message).toMatch(/^[a-z`][^\n]*[^.]$/);
    }
  });

  it('lets an admin who also holds the approver role decide', () => {
    expect(decideApproval(pending, approve({ decidedBy: { id: 'erin', roles: ['admin', 'approver'], tenant: 'acme' } }), at(1)).ok).toBe(true);
  });

  it('does not throw on a record with a malformed digest', () => {
    const r = decideApproval({ ...pending, argsDigest: 'not-hex' }, approve({ binding: undefined }), at(1));
    expect(r).toMatchObject({ ok: false, error: { code: 'BINDING_MISMATCH' } });
  });
});

describe('expireIfDue', () => {
  it('expires a pending approval at its deadline and leaves others alone', () => {
    expect(expireIfDue(pending, at(599))).toBe(pending);
    expect(expireIfDue(pending, at(600))).toEqual({ ...pending, status: 'EXPIRED', decidedAt: pending.expiresAt });
    const approved = { ...pending, status: 'APPROVED' as const };
    expect(expireIfDue(approved, at(9999))).toBe(approved);
  });
});
