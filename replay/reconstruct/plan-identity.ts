/** @module Facts of the first two activities: extractPlan and authenticateAgent. */
import { digestJson } from '../../lib/canonical-json.js';
import type { ExecutionPlan } from '../../governance/types.js';
import type { ActivityCall } from './facts.js';
import { AuthResultSchema, ExtractResultSchema, check } from './schemas.js';
import { SYSTEM, callAt, callEventIds, reasonText, type ReplayState } from './state.js';

function adoptPlan(s: ReplayState, plan: ExecutionPlan): void {
  for (const p of plan.steps) {
    const r = s.step(p.stepId, p.tool);
    r.tool = p.tool;
    r.dependsOn = [...p.dependsOn];
    r.args = p.args;
    r.argsDigest = digestJson(p.args);
    r.sources = Object.entries(p.provenance).map(([arg, v]) => ({ arg, source: v.source, trust: v.trust }));
    r.provenance = p.provenance;
  }
}

export function onExtractPlan(s: ReplayState, call: ActivityCall): void {
  const r = check(ExtractResultSchema, call.result, 'extractPlan result');
  if (!r.ok) return s.unknown(call, r.message);
  const base = { at: callAt(call), actor: SYSTEM, eventIds: callEventIds(call) };
  if (!r.value.ok) {
    s.add({ ...base, kind: 'plan.rejected', summary: `plan rejected: ${r.value.reason.message}`, data: { reason: r.value.reason } });
    return;
  }
  s.plan = r.value.plan;
  s.planVersion = r.value.planVersion;
  adoptPlan(s, r.value.plan);
  const steps = r.value.plan.steps.map((p) => ({ stepId: p.stepId, tool: p.tool, dependsOn: p.dependsOn }));
  s.add({
    ...base, kind: 'plan.extracted',
    summary: `plan \`${r.value.plan.planId}\` extracted with ${steps.length} step${steps.length === 1 ? '' : 's'}`,
    data: { planId: r.value.plan.planId, planVersion: r.value.planVersion, steps },
  });
}

export function onAuthenticate(s: ReplayState, call: ActivityCall): void {
  const r = check(AuthResultSchema, call.result, 'authenticateAgent result');
  if (!r.ok) return s.unknown(call, r.message);
  const base = { at: callAt(call), actor: s.agentActor, eventIds: callEventIds(call) };
  if (!r.value.ok) {
    s.add({ ...base, kind: 'identity.rejected', summary: `identity rejected: ${reasonText([r.value.reason])}`, data: { reason: r.value.reason } });
    return;
  }
  const id = r.value.identity;
  s.identity = { agentId: id.agentId, tenant: id.tenant, capabilities: id.capabilities, actingFor: id.actingFor, credentialId: id.credentialId, keyId: id.keyId, expiresAt: id.expiresAt };
  const acting = id.actingFor.length > 0 ? ` acting for ${id.actingFor.map((a) => `\`${a}\``).join(', ')}` : '';
  s.add({
    ...base, kind: 'identity.verified',
    summary: `agent \`${id.agentId}\` verified with key \`${id.keyId}\`${acting}`,
    data: { credentialId: id.credentialId, keyId: id.keyId, capabilities: id.capabilities, actingFor: id.actingFor },
  });
}
