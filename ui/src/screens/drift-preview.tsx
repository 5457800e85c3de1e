/** @module What publishing a draft would change: recent recorded decisions re-made under it, grouped by the policy that now decides. */
import type { DriftGroup, DriftReport } from '../api/types.js';
import { Link } from '../router.js';

const transitions = (t: Record<string, number>) => Object.entries(t).map(([k, n]) => `${k.replace('->', ' → ').toLowerCase().replace(/_/g, ' ')} ×${n}`).join(', ');

export function DriftPreview({ report: r }: { report: DriftReport }) {
  const groups: DriftGroup[] = Array.isArray(r.groups) ? (r.groups as DriftGroup[]) : [];
  return (
    <section class={`notice ${r.changed > 0 ? 'warn' : 'ok'}`} aria-labelledby="drift-title" data-testid="drift-preview">
      <h3 id="drift-title"><span aria-hidden="true">{r.changed > 0 ? '⚠ ' : '✓ '}</span>
        {r.changed === 0 ? 'No recent decision would change' : `These ${r.changed} recent decision${r.changed === 1 ? '' : 's'} would change`}
      </h3>
      <p>Re-made {r.decisionsEvaluated} recorded decision{r.decisionsEvaluated === 1 ? '' : 's'} of the last {r.tasksEvaluated} task{r.tasksEvaluated === 1 ? '' : 's'} under this draft.</p>
      {groups.length > 0 && (
        <div class="table-wrap" tabIndex={0} aria-label="changed decisions by deciding policy">
          <table>
            <thead><tr><th scope="col">Now decided by</th><th scope="col">Changes</th><th scope="col">Examples</th></tr></thead>
            <tbody>{groups.map((g) => (
              <tr key={g.policyId}>
                <td><code>{g.policyId}</code></td>
                <td>{g.count} <span class="muted">({transitions(g.transitions)})</span></td>
                <td><ul class="examples">{g.examples.slice(0, 5).map((e, i) => (
                  <li key={i}>{e.taskId ? <Link href={`/tasks/${encodeURIComponent(e.taskId)}`}><code>{e.taskId.slice(0, 10)}</code></Link> : null} step <code>{e.stepId}</code> <code>{e.tool}</code>: {e.old.toLowerCase()} → <strong>{e.new.toLowerCase()}</strong></li>
                ))}</ul></td>
              </tr>))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
