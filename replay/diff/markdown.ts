/** @module A readable Markdown rendering of a replay diff. */
import type { ValueChange } from './pointer.js';
import type { ReplayDiff, StepChange } from './types.js';

// why: values come from agents and tools; escape what Markdown tables and inline code would interpret.
function md(s: string): string {
  return s.replace(/[\\`*_{}[\]<>|#]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function val(v: unknown): string {
  if (v === undefined) return '—';
  const s = JSON.stringify(v);
  return md(s.length > 120 ? `${s.slice(0, 117)}...` : s);
}

function changeLine(c: ValueChange): string {
  const where = c.path === '' ? '(whole value)' : md(c.path);
  if (c.op === 'added') return `  - ${where}: added ${val(c.right)}`;
  if (c.op === 'removed') return `  - ${where}: removed ${val(c.left)}`;
  return `  - ${where}: ${val(c.left)} → ${val(c.right)}`;
}

function stepSection(c: StepChange): string[] {
  const lines = [`### ${md(c.left.stepId)} (${md(c.left.tool)}) ↔ ${md(c.right.stepId)} (${md(c.right.tool)}), aligned by ${c.alignedBy}`];
  if (c.tool) lines.push(`- tool: ${md(c.tool.left)} → ${md(c.tool.right)}`);
  if (c.args.length) lines.push('- arguments:', ...c.args.map(changeLine));
  if (c.decision) {
    const side = (d: NonNullable<StepChange['decision']>['left']) => `${d.decision ?? 'not assessed'} (${d.determiningPolicies.map(md).join(', ') || 'no policy'}: ${d.reasons.map((r) => md(r.message)).join('; ') || 'no reason'})`;
    lines.push(`- decision: ${side(c.decision.left)} → ${side(c.decision.right)}`);
  }
  if (c.state) lines.push(`- state: ${md(c.state.left)} → ${md(c.state.right)}`);
  if (c.approval) lines.push(`- approval: ${md(c.approval.left ?? '—')}${c.approval.leftBy ? ` by ${md(c.approval.leftBy)}` : ''} → ${md(c.approval.right ?? '—')}${c.approval.rightBy ? ` by ${md(c.approval.rightBy)}` : ''}`);
  if (c.execution) lines.push(`- execution: ${md(c.execution.left ?? '—')} → ${md(c.execution.right ?? '—')}`);
  if (c.risk) lines.push(`- risk: ${c.risk.left ? `${c.risk.left.level} (${c.risk.left.score})` : '—'} → ${c.risk.right ? `${c.risk.right.level} (${c.risk.right.score})` : '—'}`);
  if (c.dependsOn) lines.push(`- depends on: ${md(c.dependsOn.left.join(', ') || '—')} → ${md(c.dependsOn.right.join(', ') || '—')}`);
  return lines;
}

export function diffToMarkdown(d: ReplayDiff): string {
  const s = d.summary;
  const out = [
    `# Replay diff: ${md(d.left.taskId ?? d.left.historyDigest.slice(0, 12))} → ${md(d.right.taskId ?? d.right.historyDigest.slice(0, 12))}`,
    '',
    `| added | removed | changed | unchanged | decision changes | argument changes | outcome |`,
    `| --- | --- | --- | --- | --- | --- | --- |`,
    `| ${s.added} | ${s.removed} | ${s.changed} | ${s.unchanged} | ${s.decisionChanges} | ${s.argumentChanges} | ${d.outcome ? `${md(d.outcome.left ?? '—')} → ${md(d.outcome.right ?? '—')}` : 'same'} |`,
    '',
  ];
  if (d.added.length) out.push('## Added steps', ...d.added.map((r) => `- ${md(r.stepId)} (${md(r.tool)})`), '');
  if (d.removed.length) out.push('## Removed steps', ...d.removed.map((r) => `- ${md(r.stepId)} (${md(r.tool)})`), '');
  if (d.changed.length) out.push('## Changed steps', ...d.changed.flatMap((c) => [...stepSection(c), '']));
  if (d.approvals.changes.length) out.push('## Approvals', ...d.approvals.changes.map(changeLine), '');
  if (d.budget.length) out.push('## Budget', ...d.budget.map(changeLine), '');
  const t = d.timing;
  out.push('## Timing', `- total: ${t.totalMs.left ?? '—'} ms → ${t.totalMs.right ?? '—'} ms${t.totalMs.delta !== undefined ? ` (${t.totalMs.delta >= 0 ? '+' : ''}${t.totalMs.delta} ms)` : ''}`, `- awaiting approval: ${t.awaitingApprovalMs.left} ms → ${t.awaitingApprovalMs.right} ms`, '');
  return out.join('\n');
}
