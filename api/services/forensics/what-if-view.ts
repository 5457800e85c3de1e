/**
 * @module How a what-if result is shown: the steps whose decision or determining policies would
 * change (as JSON-pointer changes from the recorded side to the new one) and a Markdown table.
 */
import { jsonDiff, type WhatIfResult, type WhatIfSide, type WhatIfStep } from '../../../replay/index.js';

export interface WhatIfStepDiff {
  stepId: string;
  tool: string;
  recorded: WhatIfSide;
  proposed: WhatIfSide;
  changes: ReturnType<typeof jsonDiff>;
}

/** Steps re-decided differently (decision or determining policies), recorded side against proposed side. */
export function whatIfDiff(r: WhatIfResult): WhatIfStepDiff[] {
  return r.steps
    .filter((s): s is WhatIfStep & { old: WhatIfSide; new: WhatIfSide } => s.old !== undefined && s.new !== undefined && (s.changed || s.policiesChanged === true))
    .map((s) => ({ stepId: s.stepId, tool: s.tool, recorded: s.old, proposed: s.new, changes: jsonDiff(s.old, s.new) }));
}

// why: step ids, tools and policy ids come from agents and admins; escape what a Markdown table interprets.
function md(s: string): string {
  return s.replace(/[\\`*_{}[\]<>|#]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function side(s: WhatIfSide | undefined): string {
  if (!s) return '—';
  const policies = s.determiningPolicies.map(md).join(', ');
  return policies ? `${s.decision} (${policies})` : s.decision;
}

function mark(s: WhatIfStep): string {
  if (s.skipped) return `skipped: ${md(s.skipped.message)}`;
  if (s.changed) return '**changed**';
  if (s.policiesChanged) return 'same decision, other policies';
  return 'same';
}

/** A Markdown report: one line of counts, then one table row per step. */
export function whatIfMarkdown(r: WhatIfResult, policyLabel: string): string {
  const transitions = Object.entries(r.summary.transitions).map(([k, n]) => `${k} ×${n}`).join(', ');
  const lines = [
    `## What-if${r.taskId ? ` for task ${md(r.taskId)}` : ''} under ${md(policyLabel)}`,
    '',
    `${r.summary.changed} of ${r.summary.reevaluated} re-evaluated steps would be decided differently${transitions ? ` (${transitions})` : ''}; ${r.summary.skipped} skipped; ${r.summary.toolDigestChanged} with a changed tool definition.`,
    '',
    '| step | tool | recorded | under the policy | result | tool changed |',
    '| --- | --- | --- | --- | --- | --- |',
    ...r.steps.map((s) => `| ${md(s.stepId)} | ${md(s.tool)} | ${side(s.old)} | ${side(s.new)} | ${mark(s)} | ${s.toolDigestChanged ? 'yes' : 'no'} |`),
  ];
  return `${lines.join('\n')}\n`;
}
