/** @module The results of Compare: a replay diff side by side, and a what-if's recorded against re-evaluated decisions. */
import type { ComponentChildren } from 'preact';
import type { DecisionSide, ReplayDiffJson, ReplayDiffResult, StepChange, StepRef, WhatIfResult, WhatIfStep } from '../api/types.js';
import { DecisionBadge, words } from '../components/badges.js';
import { Link } from '../router.js';

const fmt = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
const side = (d: DecisionSide | undefined) => (d?.decision ? <DecisionBadge decision={d.decision} /> : <span class="muted">no decision</span>);

/** What differs in one aligned pair, in words. */
function changesOf(c: StepChange): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  if (c.tool) out.push(<>tool <code>{c.tool.left}</code> → <code>{c.tool.right}</code></>);
  if (c.decision) out.push(<>decision {side(c.decision.left)} → {side(c.decision.right)}</>);
  if (c.state) out.push(<>state {words(c.state.left)} → {words(c.state.right)}</>);
  for (const a of c.args) out.push(<>argument <code>{a.path || '(all)'}</code> {a.op}: <code>{fmt(a.left)}</code> → <code>{fmt(a.right)}</code></>);
  if (c.dependsOn) out.push(<>depends on [{c.dependsOn.left.join(', ')}] → [{c.dependsOn.right.join(', ')}]</>);
  if (c.approval) out.push(<>approval {c.approval.left ?? '—'}{c.approval.leftBy ? ` by ${c.approval.leftBy}` : ''} → {c.approval.right ?? '—'}{c.approval.rightBy ? ` by ${c.approval.rightBy}` : ''}</>);
  if (c.execution) out.push(<>execution {c.execution.left ?? '—'} → {c.execution.right ?? '—'}</>);
  if (c.risk) out.push(<>risk {c.risk.left ? `${c.risk.left.level} (${c.risk.left.score})` : '—'} → {c.risk.right ? `${c.risk.right.level} (${c.risk.right.score})` : '—'}</>);
  return out;
}

interface Row { key: string; order: number; left?: StepRef; right?: StepRef; kind: 'changed' | 'same' | 'added' | 'removed'; change?: StepChange }

function rowsOf(d: ReplayDiffJson): Row[] {
  const rows: Row[] = [
    ...d.changed.map((c): Row => ({ key: `c-${c.left.index}-${c.right.index}`, order: c.left.index, left: c.left, right: c.right, kind: 'changed', change: c })),
    ...d.unchanged.map((u): Row => ({ key: `u-${u.left.index}-${u.right.index}`, order: u.left.index, left: u.left, right: u.right, kind: 'same' })),
    ...d.removed.map((r): Row => ({ key: `r-${r.index}`, order: r.index, left: r, kind: 'removed' })),
    ...d.added.map((a): Row => ({ key: `a-${a.index}`, order: a.index + 0.5, right: a, kind: 'added' })),
  ];
  return rows.sort((a, b) => a.order - b.order);
}

const KIND: Record<Row['kind'], [string, string, string]> = {
  changed: ['warn', '≠', 'differs'], same: ['muted', '=', 'same'], added: ['info', '+', 'only on the right'], removed: ['bad', '−', 'only on the left'],
};

const stepCell = (s: StepRef | undefined) => (s ? <><code>{s.stepId}</code> <span class="muted">{s.tool}</span></> : <span class="muted">—</span>);

export function DiffTable({ result }: { result: ReplayDiffResult }) {
  const d = result.diff;
  if (!d || !Array.isArray(d.changed)) return <pre class="json">{result.markdown}</pre>;
  const s = d.summary;
  return (
    <section aria-labelledby="diff-title" data-testid="replay-diff">
      <h2 id="diff-title">Side by side</h2>
      <p role="status"><strong>{s.changed} changed</strong>, {s.added} only on the right, {s.removed} only on the left, {s.unchanged} the same; {s.decisionChanges} decision change{s.decisionChanges === 1 ? '' : 's'}{s.outcomeChanged ? ', and the outcome differs' : ''}.</p>
      <div class="table-wrap" tabIndex={0} aria-label="steps of both tasks, side by side">
        <table class="diff-table">
          <thead><tr>
            <th scope="col">Left <Link href={`/tasks/${encodeURIComponent(result.left)}`}><code>{result.left.slice(0, 12)}</code></Link></th>
            <th scope="col">Right <Link href={`/tasks/${encodeURIComponent(result.right)}`}><code>{result.right.slice(0, 12)}</code></Link></th>
            <th scope="col">Difference</th>
          </tr></thead>
          <tbody>
            {d.outcome && (
              <tr class="changed"><td>outcome <strong>{d.outcome.left ?? '—'}</strong></td><td>outcome <strong>{d.outcome.right ?? '—'}</strong></td><td><span class="badge warn"><span aria-hidden="true">≠ </span>outcome differs</span></td></tr>
            )}
            {rowsOf(d).map((r) => {
              const [tone, icon, text] = KIND[r.kind];
              const changes = r.change ? changesOf(r.change) : [];
              return (
                <tr key={r.key} class={r.kind} data-diff={r.kind}>
                  <td>{stepCell(r.left)}</td>
                  <td>{stepCell(r.right)}</td>
                  <td><span class={`badge ${tone}`}><span aria-hidden="true">{icon} </span>{text}</span>
                    {changes.length > 0 && <ul class="changes">{changes.map((c, i) => <li key={i}>{c}</li>)}</ul>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <details><summary>As Markdown</summary><pre class="json">{result.markdown}</pre></details>
    </section>
  );
}

function whatIfSteps(r: WhatIfResult): WhatIfStep[] {
  const s = r.steps as unknown;
  if (Array.isArray(s)) return s as WhatIfStep[];
  const nested = (s as { steps?: unknown } | null)?.steps;
  return Array.isArray(nested) ? (nested as WhatIfStep[]) : [];
}

export function WhatIfTable({ result }: { result: WhatIfResult }) {
  const steps = whatIfSteps(result);
  return (
    <section aria-labelledby="whatif-title" data-testid="what-if">
      <h2 id="whatif-title">Recorded and what-if, side by side</h2>
      <p role="status"><strong>{result.changed} decision{result.changed === 1 ? '' : 's'} would change</strong> of {steps.length} step{steps.length === 1 ? '' : 's'} in task <Link href={`/tasks/${encodeURIComponent(result.taskId)}`}><code>{result.taskId.slice(0, 12)}</code></Link>.</p>
      <div class="table-wrap" tabIndex={0} aria-label="recorded and what-if decisions per step">
        <table class="diff-table">
          <thead><tr><th scope="col">Step</th><th scope="col">Recorded</th><th scope="col">What-if</th><th scope="col">Difference</th></tr></thead>
          <tbody>{steps.map((s) => (
            <tr key={s.stepId} class={s.changed ? 'changed' : 'same'} data-diff={s.changed ? 'changed' : 'same'}>
              <td><code>{s.stepId}</code> <span class="muted">{s.tool}</span></td>
              <td>{s.old ? <>{side(s.old)} <span class="muted">{s.old.determiningPolicies.join(', ')}</span></> : <span class="muted">—</span>}</td>
              <td>{s.new ? <>{side(s.new)} <span class="muted">{s.new.determiningPolicies.join(', ')}</span></> : <span class="muted">—</span>}</td>
              <td>{s.skipped ? <span class="muted">not re-evaluated: {s.skipped.message}</span>
                : s.changed ? <span class="badge warn"><span aria-hidden="true">≠ </span>decision changes</span>
                  : s.policiesChanged ? <span class="badge info"><span aria-hidden="true">~ </span>other policies decide</span>
                    : <span class="badge muted"><span aria-hidden="true">= </span>same</span>}</td>
            </tr>))}
          </tbody>
        </table>
      </div>
      <details><summary>As Markdown</summary><pre class="json">{result.markdown}</pre></details>
    </section>
  );
}
