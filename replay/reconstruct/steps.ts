/** @module Facts of the per-step activities: assessment, budget, tool execution and step records. */
import type { ActivityCall } from './facts.js';
import { AssessmentSchema, RecordOutcomeSchema, RecordStepSchema, ReserveResultSchema, SettleInputSchema, StepRefSchema, ToolRunSchema, check } from './schemas.js';
import { SYSTEM, callAt, callEventIds, reasonText, type ReplayState } from './state.js';

function stepIdOf(s: ReplayState, call: ActivityCall): string | undefined {
  const r = check(StepRefSchema, call.input, `${call.name} input`);
  if (!r.ok) s.unknown(call, r.message);
  return r.ok ? r.value.stepId : undefined;
}

export function onAssess(s: ReplayState, call: ActivityCall): void {
  const r = check(AssessmentSchema, call.result, 'assessStep result');
  if (!r.ok) return s.unknown(call, r.message);
  const a = r.value;
  const step = s.step(a.stepId, a.tool);
  const { stepId: _s, tool: _t, ...assessment } = a;
  step.assessment = assessment;
  step.decision = a.decision;
  step.reasons = [...a.reasons];
  const policies = a.determiningPolicies.length > 0 ? ` by ${a.determiningPolicies.map((p) => `\`${p}\``).join(', ')}` : '';
  s.push({
    id: '', at: callAt(call), kind: 'step.assessed', stepId: a.stepId, actor: SYSTEM, eventIds: callEventIds(call),
    summary: `step \`${a.stepId}\` (\`${a.tool}\`): ${a.decision}${policies}, risk ${a.risk.level} (${a.risk.score})${a.reasons.length ? `: ${reasonText(a.reasons)}` : ''}`,
    data: { decision: a.decision, determiningPolicies: a.determiningPolicies, reasons: a.reasons, risk: a.risk, tainted: a.tainted, taintSources: a.taintSources, policySetVersion: a.policySetVersion, argsDigest: a.argsDigest },
  });
}

export function onReserve(s: ReplayState, call: ActivityCall): void {
  const stepId = stepIdOf(s, call);
  const r = check(ReserveResultSchema, call.result, 'reserveBudget result');
  if (stepId === undefined || !r.ok) return r.ok ? undefined : s.unknown(call, r.message);
  const step = s.step(stepId);
  if (r.value.ok) {
    s.budget.reservations++;
    s.reservations.set(r.value.reservationKey, stepId);
    step.budget = { reserved: true, reservationKey: r.value.reservationKey };
    s.push({ id: '', at: callAt(call), stepId, actor: SYSTEM, eventIds: callEventIds(call), kind: 'budget.reserved', summary: `budget reserved for step \`${stepId}\``, data: { reservationKey: r.value.reservationKey } });
    return;
  }
  const base = { at: callAt(call), stepId, actor: SYSTEM, eventIds: callEventIds(call) };
  s.budget.exceeded++;
  step.budget = { reserved: false, exceeded: r.value.reason };
  step.decision = 'DENY';
  step.reasons.push(r.value.reason);
  s.add({ ...base, kind: 'budget.exceeded', summary: `budget exceeded for step \`${stepId}\`: ${r.value.reason.message}`, data: { reason: r.value.reason } });
}

export function onSettle(s: ReplayState, call: ActivityCall): void {
  const r = check(SettleInputSchema, call.input, 'settleBudget input');
  if (!r.ok) return s.unknown(call, r.message);
  const stepId = r.value.stepId ?? s.reservations.get(r.value.reservationKey);
  const usage = r.value.usage;
  if (stepId !== undefined) {
    const step = s.step(stepId);
    step.budget = { ...(step.budget ?? { reserved: true, reservationKey: r.value.reservationKey }), settled: usage };
  }
  const at = callAt(call);
  const eventIds = callEventIds(call);
  if (usage === null) {
    s.budget.released++;
    const base = { at, ...(stepId !== undefined ? { stepId } : {}), actor: SYSTEM, eventIds };
    s.add({ ...base, kind: 'budget.released', summary: `budget reservation \`${r.value.reservationKey}\` released unused`, data: { reservationKey: r.value.reservationKey } });
    return;
  }
  s.budget.settled++;
  s.budget.settledUsage.costUsd += usage.costUsd;
  s.budget.settledUsage.tokens += usage.tokens;
  s.budget.settledUsage.wallTimeMs += usage.wallTimeMs;
  const summary = `budget settled: $${usage.costUsd}, ${usage.tokens} tokens, ${usage.wallTimeMs} ms`;
  const data = { reservationKey: r.value.reservationKey, usage };
  // why two literals: the key order of add({ ...base }) above (stepId only when known), without its copies.
  if (stepId !== undefined) s.push({ id: '', at, stepId, actor: SYSTEM, eventIds, kind: 'budget.settled', summary, data });
  else s.push({ id: '', at, actor: SYSTEM, eventIds, kind: 'budget.settled', summary, data });
}

export function onExecute(s: ReplayState, call: ActivityCall): void {
  const stepId = stepIdOf(s, call);
  if (stepId === undefined) return;
  const step = s.step(stepId);
  const base = { at: callAt(call), stepId, actor: SYSTEM, eventIds: callEventIds(call) };
  if (call.closeType !== 'Completed') {
    const error = { code: 'TOOL_UNAVAILABLE', message: call.failure ?? 'the tool activity did not complete' };
    step.execution = { ok: false, error, attempts: call.attempt };
    s.add({ ...base, kind: 'tool.failed', summary: `tool \`${step.tool}\` failed after ${call.attempt} attempt(s): ${error.message}`, data: { error, attempts: call.attempt } });
    return;
  }
  const r = check(ToolRunSchema, call.result, 'executeTool result');
  if (!r.ok) return s.unknown(call, r.message);
  const run = r.value;
  step.execution = { ok: run.ok, ...(run.resultDigest ? { resultDigest: run.resultDigest } : {}), ...(run.error ? { error: run.error } : {}), usage: run.usage, attempts: call.attempt };
  if (run.ok) {
    s.push({ id: '', at: base.at, stepId, actor: SYSTEM, eventIds: base.eventIds, kind: 'tool.executed', summary: `tool \`${step.tool}\` executed, result \`${run.resultDigest.slice(0, 12)}\``, data: { resultDigest: run.resultDigest, usage: run.usage, attempts: call.attempt } });
  } else {
    s.add({ ...base, kind: 'tool.failed', summary: `tool \`${step.tool}\` failed: ${run.error?.message ?? 'no error given'}`, data: { error: run.error, usage: run.usage, attempts: call.attempt } });
  }
}

export function onRecordStep(s: ReplayState, call: ActivityCall): void {
  const r = check(RecordStepSchema, call.input, 'recordStep input');
  if (!r.ok) return s.unknown(call, r.message);
  const v = r.value.view;
  const step = s.step(v.stepId, v.tool);
  step.state = v.state;
  step.reasons = [...v.reasons];
  if (typeof v.decision === 'string' && ['ALLOW', 'DENY', 'REQUIRE_APPROVAL'].includes(v.decision)) step.decision = v.decision as typeof step.decision;
  const base = { at: callAt(call), stepId: v.stepId, actor: SYSTEM, eventIds: callEventIds(call) };
  if (v.state === 'FAILED' && !step.execution && s.unattributedToolFailures.length > 0) chargeToolFailure(s, step, v, base);
  if (v.state === 'SKIPPED') s.add({ ...base, kind: 'step.skipped', summary: `step \`${v.stepId}\` skipped: ${reasonText(v.reasons)}`, data: { reasons: v.reasons } });
  if (v.state === 'CANCELLED') s.add({ ...base, kind: 'step.cancelled', summary: `step \`${v.stepId}\` cancelled`, data: { reasons: v.reasons } });
}

export function onRecordOutcome(s: ReplayState, call: ActivityCall): void {
  const r = check(RecordOutcomeSchema, call.input, 'recordOutcome input');
  if (!r.ok) return s.unknown(call, r.message);
  const v = r.value.view;
  s.outcome = { status: v.status, ...(v.outcome ? { outcome: v.outcome } : {}), reasons: v.reasons, ...(v.riskLevel ? { riskLevel: v.riskLevel } : {}) };
  s.add({
    at: callAt(call), kind: 'task.outcome', actor: SYSTEM, eventIds: callEventIds(call),
    summary: `task ${v.outcome ?? v.status}${v.reasons.length ? `: ${reasonText(v.reasons)}` : ''}`,
    data: { outcome: v.outcome ?? v.status, reasons: v.reasons, riskLevel: v.riskLevel },
  });
}

/**
 * A tool call that failed for good as a local activity, charged to the step the workflow recorded as
 * FAILED after it: the step's execution and a `tool.failed` entry, as for the ordinary tool activity.
 */
function chargeToolFailure(s: ReplayState, step: ReturnType<ReplayState['step']>, v: { stepId: string; error?: unknown }, base: { at: string | undefined; stepId: string; actor: typeof SYSTEM; eventIds: number[] }): void {
  const call = s.unattributedToolFailures.shift()!;
  const recorded = v.error as { code?: unknown; message?: unknown } | undefined;
  const error = typeof recorded?.code === 'string' && typeof recorded.message === 'string'
    ? { code: recorded.code, message: recorded.message }
    : { code: 'TOOL_UNAVAILABLE', message: call.failure ?? 'the tool activity did not complete' };
  step.execution = { ok: false, error, attempts: call.attempt };
  s.add({ ...base, eventIds: [...callEventIds(call), ...base.eventIds], kind: 'tool.failed', summary: `tool \`${step.tool}\` failed after ${call.attempt} attempt(s): ${error.message}`, data: { error, attempts: call.attempt } });
}
