/** @module The summary of a replay record: who, what, which decisions, approvals, budget, outcome and timings. */
import { TRUST_LEVELS } from '../../governance/types.js';
import type { NormalEvent } from '../history/events.js';
import { msBetween, type ReplayState } from './state.js';
import type { ReplaySummary } from './types.js';

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

function trustLevels(s: ReplayState): string[] {
  const seen = new Set<string>();
  for (const step of s.steps.values()) for (const src of step.sources) seen.add(src.trust);
  // why: known levels in trust order first, anything else (a foreign plan) after, sorted.
  const known = TRUST_LEVELS.filter((t) => seen.has(t));
  const other = [...seen].filter((t) => !(TRUST_LEVELS as readonly string[]).includes(t)).sort();
  return [...known, ...other];
}

function timesOf(events: readonly NormalEvent[]): { startedAt?: string; closedAt?: string } {
  const first = events.find((e) => e.type === 'WorkflowExecutionStarted') ?? events[0];
  return { ...(first?.at ? { startedAt: first.at } : {}) };
}

export function buildSummary(s: ReplayState, events: readonly NormalEvent[]): ReplaySummary {
  const steps = [...s.steps.values()];
  const byDecision = { ALLOW: 0, DENY: 0, REQUIRE_APPROVAL: 0, NOT_ASSESSED: 0 };
  for (const st of steps) byDecision[st.assessment?.decision ?? 'NOT_ASSESSED']++;
  const { startedAt } = timesOf(events);
  const closedAt = s.closed?.at;
  const input = s.input;
  const totalMs = msBetween(startedAt, closedAt);
  return {
    ...(input ? { taskId: input.taskId, tenant: input.tenant, agent: input.agentId, goal: input.goal, submittedBy: input.submittedBy } : {}),
    ...(s.workflow.workflowId ? { workflowId: s.workflow.workflowId } : {}),
    ...(s.workflow.runId ? { runId: s.workflow.runId } : {}),
    ...(s.workflow.type ? { workflowType: s.workflow.type } : {}),
    delegation: s.identity?.actingFor ?? input?.credential.actingFor ?? [],
    ...(s.plan ? {
      plan: {
        planId: s.plan.planId, ...(s.planVersion ? { planVersion: s.planVersion } : {}), ...(input ? { format: input.source.format } : {}),
        steps: s.plan.steps.map((p) => ({ stepId: p.stepId, tool: p.tool, argsDigest: s.steps.get(p.stepId)!.argsDigest, dependsOn: [...p.dependsOn] })),
      },
    } : {}),
    ...(s.identity ? { identity: s.identity } : {}),
    stepsByDecision: byDecision,
    stepsByState: countBy(steps, (st) => st.state),
    trustLevelsSeen: trustLevels(s),
    approvals: [...s.approvals.values()],
    budget: s.budget,
    ...(s.outcome?.outcome ? { outcome: s.outcome.outcome } : {}),
    outcomeReasons: s.outcome?.reasons ?? [],
    ...(s.outcome?.riskLevel ? { riskLevel: s.outcome.riskLevel } : {}),
    status: (s.closed?.status ?? 'RUNNING') as ReplaySummary['status'],
    ...(startedAt ? { startedAt } : {}),
    ...(closedAt ? { closedAt } : {}),
    durations: { ...(totalMs !== undefined ? { totalMs } : {}), awaitingApprovalMs: s.awaitingApprovalMs, byActivity: s.activityMs },
    eventCounts: countBy(events, (e) => e.type),
    eventCount: events.length,
    retries: s.retries,
  };
}
