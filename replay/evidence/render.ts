/** @module Human-readable summaries of an evidence bundle: Markdown and a self-contained HTML page. */
import type { EvidenceBundle } from './types.js';

function mdCell(s: unknown): string {
  return String(s ?? '—').replace(/[\\`*_{}[\]<>|#]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function html(s: unknown): string {
  return String(s ?? '—').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Row { taskId: string; agent: string; outcome: string; steps: number; denied: number; approvals: string; started: string }

function rows(b: EvidenceBundle): Row[] {
  return b.parts.replay.map(({ taskId, record }) => ({
    taskId,
    agent: record.summary.agent ?? '—',
    outcome: record.summary.outcome ?? record.summary.status,
    steps: record.steps.length,
    denied: record.steps.filter((s) => s.decision === 'DENY').length,
    approvals: record.summary.approvals.map((a) => `${a.status}${a.decidedBy ? ` by ${a.decidedBy}` : ''}`).join(', ') || '—',
    started: record.summary.startedAt ?? '—',
  }));
}

export function evidenceSummaryMarkdown(b: EvidenceBundle): string {
  const m = b.manifest;
  const scope = m.scope.kind === 'range' ? `tasks of \`${m.tenant}\` from ${m.scope.from} to ${m.scope.to}` : `task \`${m.taskIds[0]}\``;
  const out = [
    `# Evidence bundle ${mdCell(m.bundleId)}`, '',
    `Scope: ${scope.replace(/`([^`]*)`/g, (_x, v: string) => mdCell(v))}. Generated ${mdCell(m.generatedAt)}, signed with key ${mdCell(m.signer.kid)} (${m.signer.alg}).`, '',
    '## Tasks', '', '| task | agent | outcome | steps | denied | approvals | started |', '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows(b).map((r) => `| ${mdCell(r.taskId)} | ${mdCell(r.agent)} | ${mdCell(r.outcome)} | ${r.steps} | ${r.denied} | ${mdCell(r.approvals)} | ${mdCell(r.started)} |`), '',
    '## Controls', '', '| framework | requirement | what is recorded | evidence | observed |', '| --- | --- | --- | --- | --- |',
    ...b.parts.controls.mappings.map((c) => `| ${mdCell(c.framework)} | ${mdCell(`${c.id} ${c.title}`)} | ${mdCell(c.control)} | ${c.evidence.join(', ')} | ${mdCell(c.observed)}: ${c.count} |`), '',
    '## Parts', '', '| part | SHA-256 | bytes | redactions |', '| --- | --- | --- | --- |',
    ...Object.entries(m.parts).map(([name, d]) => `| ${name} | \`${d.sha256}\` | ${d.bytes} | ${m.redactions[name as keyof typeof m.redactions] ?? 0} |`), '',
  ];
  return out.join('\n');
}

export function evidenceSummaryHtml(b: EvidenceBundle): string {
  const m = b.manifest;
  const table = (head: string[], body: unknown[][]) =>
    `<table><thead><tr>${head.map((h) => `<th>${html(h)}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${html(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>', html(`Evidence bundle ${m.bundleId}`), '</title>',
    '<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;margin-bottom:1.5rem}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}code{font-size:.85em}</style></head><body>',
    `<h1>${html(`Evidence bundle ${m.bundleId}`)}</h1>`,
    `<p>Tenant ${html(m.tenant)}; ${html(m.scope.kind === 'range' ? `from ${m.scope.from} to ${m.scope.to}` : `task ${m.taskIds[0]}`)}. Generated ${html(m.generatedAt)}, signed with key ${html(m.signer.kid)} (${html(m.signer.alg)}).</p>`,
    '<h2>Tasks</h2>', table(['task', 'agent', 'outcome', 'steps', 'denied', 'approvals', 'started'], rows(b).map((r) => [r.taskId, r.agent, r.outcome, r.steps, r.denied, r.approvals, r.started])),
    '<h2>Controls</h2>', table(['framework', 'requirement', 'what is recorded', 'evidence', 'observed'], b.parts.controls.mappings.map((c) => [c.framework, `${c.id} ${c.title}`, c.control, c.evidence.join(', '), `${c.observed}: ${c.count}`])),
    '<h2>Parts</h2>', table(['part', 'SHA-256', 'bytes', 'redactions'], Object.entries(m.parts).map(([n, d]) => [n, d.sha256, d.bytes, m.redactions[n as keyof typeof m.redactions] ?? 0])),
    '</body></html>',
  ].join('');
}
