/**
 * @module Compare: two tasks side by side (`replayDiff`), or a task against a what-if replay under
 * another policy (`whatIf`). The choice lives in the URL so a comparison can be shared.
 */
import { useState } from 'preact/hooks';
import { toApiError, type ApiError } from '../api/errors.js';
import { POLICY_SETS, REPLAY_DIFF, WHAT_IF } from '../api/queries.js';
import type { PolicySet, ReplayDiffResult, WhatIfResult } from '../api/types.js';
import { useCapabilities, NotOffered } from '../capabilities.js';
import { Empty, ErrorNotice, Loading } from '../components/states.js';
import { useLoad } from '../hooks.js';
import { navigate, useRoute } from '../router.js';
import { useSession } from '../session.js';
import { useTenant } from '../tenant.js';
import { DiffTable, WhatIfTable } from './compare-tables.js';
import { TaskPicker, useRecentTasks } from './task-picker.js';

type Mode = 'tasks' | 'whatif';

export function Compare() {
  const { client } = useSession();
  const { tenant } = useTenant();
  const caps = useCapabilities();
  const { query } = useRoute();
  const mode: Mode = query.get('mode') === 'whatif' ? 'whatif' : 'tasks';
  const [left, setLeft] = useState(query.get('left') ?? '');
  const [right, setRight] = useState(query.get('right') ?? '');
  const [policy, setPolicy] = useState(query.get('policy') ?? '');
  const [cedar, setCedar] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [diff, setDiff] = useState<ReplayDiffResult | null>(null);
  const [whatIf, setWhatIf] = useState<WhatIfResult | null>(null);
  const tasks = useRecentTasks();
  const policies = useLoad((s) => client.request<{ policySets: PolicySet[] }>(POLICY_SETS, {}, s).then((d) => d.policySets.filter((p) => tenant === null || p.tenant === tenant)), [client, tenant]);

  const setMode = (m: Mode) => {
    setDiff(null);
    setWhatIf(null);
    setError(null);
    navigate(`/compare?mode=${m}`, true);
  };
  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDiff(null);
    setWhatIf(null);
    try {
      if (mode === 'tasks') {
        navigate(`/compare?mode=tasks&left=${encodeURIComponent(left)}&right=${encodeURIComponent(right)}`, true);
        setDiff((await client.request<{ replayDiff: ReplayDiffResult }>(REPLAY_DIFF, { left, right })).replayDiff);
      } else {
        navigate(`/compare?mode=whatif&left=${encodeURIComponent(left)}${policy ? `&policy=${encodeURIComponent(policy)}` : ''}`, true);
        const vars = { taskId: left, ...(cedar.trim() ? { cedar } : policy ? { policySetId: policy } : {}) };
        setWhatIf((await client.request<{ whatIf: WhatIfResult }>(WHAT_IF, vars)).whatIf);
      }
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const needed = mode === 'tasks' ? 'replayDiff' : 'whatIf';
  const ready = mode === 'tasks' ? Boolean(left && right && left !== right) : Boolean(left && (policy || cedar.trim()));
  return (
    <section aria-labelledby="compare-title">
      <header class="page-head"><h1 id="compare-title">Compare</h1></header>
      <p>Put two tasks side by side, or replay one under another policy to see which decisions would change. Both are rebuilt from the tasks' Temporal histories.</p>
      <fieldset class="modes">
        <legend>What to compare</legend>
        <label class="inline"><input type="radio" name="mode" checked={mode === 'tasks'} onChange={() => setMode('tasks')} /> Two tasks</label>
        <label class="inline"><input type="radio" name="mode" checked={mode === 'whatif'} onChange={() => setMode('whatif')} /> A task and its what-if under another policy</label>
      </fieldset>
      {caps && !caps.has(needed) && <NotOffered field={needed} />}
      {tasks.error && <ErrorNotice error={tasks.error} retry={tasks.reload} />}
      {!tasks.data && tasks.loading ? <Loading what="recent tasks" /> : tasks.data?.length === 0 ? (
        <Empty><p>No tasks to compare yet.</p></Empty>
      ) : (
        <form class="compare-form" onSubmit={run}>
          <div class="grid-2">
            <TaskPicker id="cmp-left" label={mode === 'tasks' ? 'Left task' : 'Task'} value={left} options={tasks.data ?? []} onChange={setLeft} />
            {mode === 'tasks' ? <TaskPicker id="cmp-right" label="Right task" value={right} options={tasks.data ?? []} onChange={setRight} /> : (
              <div>
                <label for="cmp-policy">Policy set version</label>
                <select id="cmp-policy" value={policy} onChange={(e) => setPolicy((e.target as HTMLSelectElement).value)}>
                  <option value="">choose a version…</option>
                  {(policies.data ?? []).map((p) => <option key={p.version} value={p.version}>{p.version.slice(0, 12)}{p.active ? ' (active)' : ''}{p.description ? ` · ${p.description}` : ''}</option>)}
                </select>
                <label for="cmp-cedar">or Cedar text <span class="muted">(takes precedence)</span></label>
                <textarea id="cmp-cedar" rows={4} spellcheck={false} value={cedar} onInput={(e) => setCedar((e.target as HTMLTextAreaElement).value)} />
              </div>
            )}
          </div>
          {mode === 'tasks' && left && left === right && <p class="field-error" role="alert">Pick two different tasks.</p>}
          <div class="actions"><button type="submit" class="primary" disabled={busy || !ready || (caps !== undefined && !caps.has(needed))}>{busy ? 'Comparing…' : 'Compare'}</button></div>
        </form>
      )}
      {error && <ErrorNotice error={error} />}
      {busy && <Loading what="the comparison" />}
      {diff && <DiffTable result={diff} />}
      {whatIf && <WhatIfTable result={whatIf} />}
    </section>
  );
}
