/** @module One task: summary, execution graph (click a node for its step), steps, cancel; live until it finishes. */
import { useMemo, useState } from 'preact/hooks';
import { toApiError, type ApiError } from '../api/errors.js';
import { CANCEL_TASK, TASK } from '../api/queries.js';
import type { Task } from '../api/types.js';
import { RiskBadge, TaskStatusBadge } from '../components/badges.js';
import { formatTime, Reasons } from '../components/details.js';
import { ErrorNotice, Loading } from '../components/states.js';
import { GraphView } from '../graph/graph-view.js';
import { graphFromPlan } from '../graph/model.js';
import { useInterval, useLoad } from '../hooks.js';
import { Link } from '../router.js';
import { hasRole, useSession } from '../session.js';
import { ReplayPanel } from './replay-panel.js';
import { StepDetail } from './step-detail.js';

const LIVE_MS = 2_000;

export function TaskPage({ id }: { id: string }) {
  const { client, viewer } = useSession();
  const q = useLoad((s) => client.request<{ task: Task | null }>(TASK, { id }, s), [client, id]);
  const task = q.data?.task;
  useInterval(q.reload, task && task.outcome ? null : LIVE_MS);
  const [selected, setSelected] = useState<string | null>(null);
  const graph = useMemo(() => (task ? graphFromPlan(task.steps) : null), [task]);

  if (q.error && !task) return <ErrorNotice error={q.error} retry={q.reload} />;
  if (!q.data) return <Loading what="the task" />;
  if (!task) return <div class="notice warn" role="alert"><strong>Task <code>{id}</code> was not found</strong>, or you may not see it. <Link href="/tasks">Back to tasks</Link></div>;
  const step = task.steps.find((s) => s.stepId === selected) ?? null;
  return (
    <section aria-labelledby="task-title">
      <p class="crumbs"><Link href="/tasks">Tasks</Link> / <code>{task.id}</code></p>
      <header class="page-head">
        <h1 id="task-title">{task.goal}</h1>
        <span><TaskStatusBadge status={task.status} /> <RiskBadge level={task.riskLevel} /></span>
      </header>
      <dl class="summary">
        <div><dt>Agent</dt><dd><code>{task.agentId}</code></dd></div>
        <div><dt>Submitted by</dt><dd>{task.submittedBy}</dd></div>
        <div><dt>Submitted</dt><dd>{formatTime(task.createdAt)}</dd></div>
        <div><dt>Finished</dt><dd>{task.completedAt ? formatTime(task.completedAt) : 'still running'}</dd></div>
        <div><dt>Plan</dt><dd><code>{task.planId ?? '—'}</code> {task.planVersion && <span class="muted">v<code title={task.planVersion}>{task.planVersion.slice(0, 12)}</code></span>}</dd></div>
        <div><dt>Steps</dt><dd>{task.steps.length}</dd></div>
      </dl>
      {task.reasons.length > 0 && <><h2>Why it ended this way</h2><Reasons reasons={task.reasons} /></>}
      {/* the API lets only the submitting agent or an administrator cancel */}
      {!task.outcome && (hasRole(viewer, 'ADMIN') || viewer.agentId === task.agentId) && <CancelTask id={task.id} onDone={q.reload} />}
      <h2>Execution graph</h2>
      <p class="muted">Built from the plan's dependencies and each step's decision. Select a step to see its details.</p>
      {graph && graph.nodes.length > 0 ? <GraphView graph={graph} selected={selected} onSelect={setSelected} /> : <p class="muted">This task has no steps.</p>}
      {step && <StepDetail step={step} />}
      <h2>Steps</h2>
      <ol class="step-list">
        {task.steps.map((s) => (
          <li key={s.stepId}><button type="button" class="link" aria-pressed={selected === s.stepId} onClick={() => setSelected(s.stepId)}>
            <code>{s.stepId}</code> {s.tool}</button> <span class="muted">— {s.state.toLowerCase().replace(/_/g, ' ')}{s.decision ? `, ${s.decision.toLowerCase().replace(/_/g, ' ')}` : ''}</span></li>
        ))}
      </ol>
      <ReplayPanel taskId={task.id} />
    </section>
  );
}

function CancelTask({ id, onDone }: { id: string; onDone(): void }) {
  const { client } = useSession();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const cancel = async () => {
    if (!window.confirm('Cancel this task? Steps not yet executed will not run.')) return;
    setBusy(true);
    setError(null);
    try {
      await client.request(CANCEL_TASK, { id, reason: 'cancelled from the audit UI' });
      onDone();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="cancel">
      <button type="button" class="deny" disabled={busy} onClick={() => void cancel()}>Cancel task</button>
      {error && <ErrorNotice error={error} />}
    </div>
  );
}
