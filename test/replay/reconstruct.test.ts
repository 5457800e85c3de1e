import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphToDot, graphToJSON, graphToMermaid, reconstruct } from '../../replay/reconstruct/index.js';
import { historyFromPlainJson } from '../../replay/history/from-json.js';
import { historyToPlainJson } from '../../replay/history/to-json.js';
import { governedHistory, SCENARIOS } from './scenarios.js';

const FOREIGN = '/work/shared/reference/histories';

function eventIdsOf(h: { events: Array<Record<string, unknown>> }): Set<number> {
  return new Set(h.events.map((e) => Number(e.eventId)));
}

describe('reconstruct', () => {
  it('summarises an allowed task: plan, identity, decisions, budget, outcome and retries', () => {
    const r = reconstruct(governedHistory(SCENARIOS.allowed!));
    expect(r.summary).toMatchObject({ taskId: 'task-allowed', tenant: 'demo', agent: 'agent-1', delegation: ['alice@demo.test'], outcome: 'COMPLETED', status: 'COMPLETED' });
    expect(r.summary.plan?.steps.map((s) => [s.stepId, s.tool, s.dependsOn])).toEqual([['read', 'read_file', []], ['write', 'write_file', ['read']]]);
    expect(r.summary.stepsByDecision).toEqual({ ALLOW: 2, DENY: 0, REQUIRE_APPROVAL: 0, NOT_ASSESSED: 0 });
    expect(r.summary.budget).toMatchObject({ reservations: 2, settled: 2, released: 0, settledUsage: { costUsd: 0.02, tokens: 240, wallTimeMs: 80 } });
    expect(r.summary.retries).toEqual({ total: 1, byActivity: { executeTool: 1 } });
    expect(r.summary.trustLevelsSeen).toEqual(['trusted']);
    expect(r.unrecognised).toEqual([]);
    const kinds = r.timeline.map((e) => e.kind);
    expect(kinds.slice(0, 4)).toEqual(['task.started', 'plan.extracted', 'identity.verified', 'step.assessed']);
    expect(kinds).toContain('activity.retried');
    expect(kinds.filter((k) => k === 'tool.executed')).toHaveLength(2);
    expect(kinds.at(-1)).toBe('task.closed');
  });

  it('reads a quick tool run as a local activity (a marker) as it reads the ordinary tool activity', () => {
    const ordinary = reconstruct(governedHistory(SCENARIOS.allowed!));
    const quick = reconstruct(governedHistory({ ...SCENARIOS.allowed!, quickTools: true }));
    expect(quick.unrecognised).toEqual([]);
    const executions = (r: typeof quick) => r.steps.map((s) => [s.stepId, s.state, s.execution]);
    expect(executions(quick)).toEqual(executions(ordinary));
    expect(quick.summary.retries).toEqual({ total: 1, byActivity: { executeQuickTool: 1 } });
    expect(quick.summary.budget).toEqual(ordinary.summary.budget);
    expect(quick.timeline.filter((e) => e.kind === 'tool.executed').map((e) => e.stepId)).toEqual(['read', 'write']);
  });

  it('charges a tool activity that never answered to its step when the history names the step, and reports it either way', () => {
    const spec = { taskId: 'task-exhausted', steps: [{ stepId: 'w', tool: 'write_file', args: { path: 'a.txt', content: 'x' }, verdict: 'ALLOW' as const, toolExhausted: true }] };
    const ordinary = reconstruct(governedHistory(spec));
    expect(ordinary.unrecognised).toEqual([]);
    expect(ordinary.steps[0]).toMatchObject({ state: 'FAILED', execution: { ok: false, error: { code: 'TOOL_UNAVAILABLE' }, attempts: 5 } });
    // a local activity's failure marker keeps no input: the call is listed as failed, and charged to the step recorded FAILED next
    const quick = reconstruct(governedHistory({ ...spec, quickTools: true }));
    expect(quick.unrecognised).toEqual([]);
    expect(quick.steps[0]).toMatchObject({ state: 'FAILED', execution: { ok: false, error: { code: 'TOOL_UNAVAILABLE', message: 'tool host unreachable' }, attempts: 5 } });
    expect(quick.timeline.find((e) => e.kind === 'activity.failed')).toMatchObject({ data: { activity: 'executeQuickTool', attempts: 5, failure: expect.stringContaining('tool host unreachable') } });
    expect(quick.timeline.filter((e) => e.kind === 'tool.failed').map((e) => e.stepId)).toEqual(['w']);
    expect(ordinary.timeline.filter((e) => e.kind === 'tool.failed').map((e) => e.stepId)).toEqual(['w']);
    expect(quick.summary.budget).toMatchObject({ reservations: 1, settled: 0, released: 1 });
  });

  it('charges each of several failed quick tools to its own step', () => {
    const steps = [
      { stepId: 'a', tool: 'write_file', args: { path: 'a.txt', content: 'a' }, verdict: 'ALLOW' as const, toolExhausted: true, attempts: 5 },
      { stepId: 'b', tool: 'read_file', args: { path: 'b.txt' }, verdict: 'ALLOW' as const },
      { stepId: 'c', tool: 'write_file', args: { path: 'c.txt', content: 'c' }, verdict: 'ALLOW' as const, toolExhausted: true, attempts: 3 },
    ];
    const r = reconstruct(governedHistory({ taskId: 'task-two-failures', steps, quickTools: true }));
    expect(r.unrecognised).toEqual([]);
    expect(r.steps.map((s) => [s.stepId, s.state, s.execution?.ok, s.execution?.attempts])).toEqual([['a', 'FAILED', false, 5], ['b', 'EXECUTED', true, 1], ['c', 'FAILED', false, 3]]);
    expect(r.timeline.filter((e) => e.kind === 'tool.failed').map((e) => e.stepId)).toEqual(['a', 'c']);
  });

  it('records a denial with its determining policies and the skipped dependant', () => {
    const r = reconstruct(governedHistory(SCENARIOS.deniedSkipped!));
    const [escape, send] = r.steps;
    expect(escape).toMatchObject({ state: 'DENIED', decision: 'DENY', assessment: { determiningPolicies: ['forbid-outside-sandbox'] } });
    expect(send).toMatchObject({ state: 'SKIPPED', reasons: [{ code: 'DEPENDENCY_NOT_EXECUTED' }] });
    expect(send!.assessment).toBeUndefined();
    expect(r.summary.outcome).toBe('BLOCKED');
    expect(r.summary.stepsByDecision).toEqual({ ALLOW: 0, DENY: 1, REQUIRE_APPROVAL: 0, NOT_ASSESSED: 1 });
    expect(r.timeline.find((e) => e.kind === 'step.skipped')?.stepId).toBe('send');
  });

  it('records who approved, when, and the time spent waiting', () => {
    const r = reconstruct(governedHistory(SCENARIOS.approved!));
    expect(r.summary.approvals).toEqual([expect.objectContaining({ approvalId: 'apr_mail', status: 'APPROVED', decidedBy: 'bob@demo.test', via: 'signal', reason: 'looks fine' })]);
    expect(r.summary.durations.awaitingApprovalMs).toBeGreaterThanOrEqual(2000);
    const decided = r.timeline.find((e) => e.kind === 'approval.decided')!;
    expect(decided.actor).toEqual({ kind: 'user', id: 'bob@demo.test' });
    expect(r.summary.trustLevelsSeen).toEqual(['untrusted']);
    expect(r.steps[0]).toMatchObject({ state: 'EXECUTED', execution: { ok: true } });
  });

  it('records an expired approval as a denial', () => {
    const r = reconstruct(governedHistory(SCENARIOS.expired!));
    expect(r.summary.approvals[0]).toMatchObject({ status: 'EXPIRED' });
    expect(r.steps[0]).toMatchObject({ state: 'DENIED', decision: 'DENY' });
    expect(r.timeline.map((e) => e.kind)).toContain('approval.expired');
    expect(r.summary.outcome).toBe('BLOCKED');
  });

  it.each(Object.keys(SCENARIOS))('points every timeline entry of %s at real history events, in order', (name) => {
    const h = governedHistory(SCENARIOS[name]!);
    const ids = eventIdsOf(h);
    const r = reconstruct(h);
    expect(r.timeline.length).toBeGreaterThan(4);
    for (const e of r.timeline) {
      expect(e.eventIds.length).toBeGreaterThan(0);
      for (const id of e.eventIds) expect(ids.has(id)).toBe(true);
    }
    const firsts = r.timeline.map((e) => Math.max(...e.eventIds));
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    expect(new Set(r.timeline.map((e) => e.id)).size).toBe(r.timeline.length);
  });

  it('is deterministic and gives stable ids and digests', () => {
    const h = governedHistory(SCENARIOS.approved!);
    const a = reconstruct(h);
    const b = reconstruct(structuredClone(h));
    expect(graphToJSON(a.graph)).toBe(graphToJSON(b.graph));
    expect(a).toEqual(b);
    expect(a.graph.nodes.map((n) => n.id)).toContain('task-approved/step/mail/approval');
  });

  it.each(Object.keys(SCENARIOS))('gives the same record for %s as proto objects (fetchHistory) and as JSON', (name) => {
    const json = governedHistory(SCENARIOS[name]!);
    const protoHistory = historyFromPlainJson(json);
    expect(typeof protoHistory.events![0]!.eventType).toBe('number');
    expect(protoHistory.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!.data).toBeInstanceOf(Uint8Array);
    expect(reconstruct(protoHistory)).toEqual(reconstruct(json));
    const back = historyToPlainJson(protoHistory);
    expect(reconstruct(back)).toEqual(reconstruct(json));
  });

  it('reads the fixture histories written to test/fixtures/histories', () => {
    const dir = new URL('../fixtures/histories/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const h = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { events: Array<Record<string, unknown>> };
      const r = reconstruct(h);
      expect(r.unrecognised).toEqual([]);
      expect(r.summary.outcome).toBeDefined();
      const ids = eventIdsOf(h);
      for (const e of r.timeline) for (const id of e.eventIds) expect(ids.has(id)).toBe(true);
    }
  });

  it.each(['real', 'parallel', 'lane'].flatMap((gen) => [
    [`${gen}-allowed`, 'COMPLETED', { ALLOW: 2, DENY: 0, REQUIRE_APPROVAL: 0, NOT_ASSESSED: 0 }, []],
    [`${gen}-denied-skipped`, 'BLOCKED', { ALLOW: 0, DENY: 1, REQUIRE_APPROVAL: 0, NOT_ASSESSED: 1 }, []],
    [`${gen}-approval-approved`, 'COMPLETED', { ALLOW: 0, DENY: 0, REQUIRE_APPROVAL: 1, NOT_ASSESSED: 0 }, ['APPROVED']],
    [`${gen}-approval-expired`, 'BLOCKED', { ALLOW: 0, DENY: 0, REQUIRE_APPROVAL: 1, NOT_ASSESSED: 0 }, ['EXPIRED']],
  ] as const))('reconstructs the history %s recorded from the running product', (name, outcome, byDecision, approvals) => {
    const h = JSON.parse(readFileSync(new URL(`../fixtures/histories/${name}.json`, import.meta.url), 'utf8')) as { events: Array<Record<string, unknown>> };
    const r = reconstruct(h);
    expect(r.unrecognised).toEqual([]);
    expect(r.summary).toMatchObject({ outcome, status: 'COMPLETED', tenant: 'demo', delegation: ['alice@demo.test'], stepsByDecision: byDecision });
    expect(r.summary.approvals.map((a) => a.status)).toEqual(approvals);
    if (approvals[0] === 'APPROVED') expect(r.summary.approvals[0]).toMatchObject({ decidedBy: 'bob@demo.test', reason: 'partner is known' });
    expect(r.summary.identity?.keyId).toBeTruthy();
    // the tool runs are read from either form (activity or quick-tool marker)
    const executed = r.steps.filter((s) => s.state === 'EXECUTED');
    for (const s of executed) expect(s.execution).toMatchObject({ ok: true, resultDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(executed.length).toBe(outcome === 'COMPLETED' ? byDecision.ALLOW + byDecision.REQUIRE_APPROVAL : 0);
  });

  it('changes the history digest when a payload changes', () => {
    const h = governedHistory(SCENARIOS.allowed!);
    const a = reconstruct(h).historyDigest;
    const tampered = structuredClone(h);
    const ev = tampered.events.find((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED' || e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_STARTED')!;
    (ev.activityTaskStartedEventAttributes as { attempt: number }).attempt = 7;
    expect(reconstruct(tampered).historyDigest).not.toBe(a);
  });

  it('builds the execution graph with provenance, decisions, approvals and executions', () => {
    const r = reconstruct(governedHistory(SCENARIOS.approved!));
    const kinds = new Set(r.graph.edges.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['approved-by', 'derives-from', 'evaluated-by', 'executed', 'produced', 'tainted-by']);
    const ids = new Set(r.graph.nodes.map((n) => n.id));
    for (const e of r.graph.edges) {
      expect(ids.has(e.from)).toBe(true);
      expect(ids.has(e.to)).toBe(true);
    }
  });

  it('escapes labels in Mermaid and DOT exports', () => {
    const graph = { nodes: [{ id: 'a"]; evil', kind: 'step' as const, label: 'x"] --> y\n<script>', data: {} }, { id: 'b\\', kind: 'outcome' as const, label: 'done\\"', data: {} }], edges: [{ from: 'a"]; evil', to: 'b\\', kind: 'produced' as const }] };
    const m = graphToMermaid(graph);
    expect(m).not.toContain('<script>');
    expect(m.split('\n')[1]).toBe('  n0["x#34;#93; --#62; y #60;script#62;"]');
    const d = graphToDot(graph);
    expect(d).toContain('"a\\"]; evil" [label="x\\"] --> y\\n<script>", shape=box];');
    expect(d).toContain('"b\\\\" [label="done\\\\\\"", shape=doublecircle];');
  });

  it('rejects invalid options by field', () => {
    expect(() => reconstruct({ events: [] }, { maxTimelineEntries: -1 })).toThrow(/maxTimelineEntries/);
  });

  it.each(readdirSync(FOREIGN).filter((f) => f.endsWith('.json')))('reads the foreign history %s without crashing', (file) => {
    const h = JSON.parse(readFileSync(join(FOREIGN, file), 'utf8')) as { events: unknown[] };
    const r = reconstruct(h);
    expect(r.summary.eventCount).toBe(h.events.length);
    expect(r.unrecognised.length).toBeGreaterThan(0);
    expect(r.summary.taskId).toBeUndefined();
    expect(r.timeline[0]?.kind).toBe('task.started');
  });

  it('survives garbage', () => {
    for (const h of [null, 3, 'x', {}, { events: 'no' }, { events: [null, 1, { eventType: 99 }, { eventId: 'x', eventType: 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED', activityTaskCompletedEventAttributes: { scheduledEventId: '42' } }] }]) {
      const r = reconstruct(h);
      expect(r.unrecognised.length).toBeGreaterThan(0);
    }
  });
});
