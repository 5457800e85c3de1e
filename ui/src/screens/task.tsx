/**
 * @module One task: summary, budget, the plan with each step's decision, the execution graph (a node
 * opens its step and that step's history events), the approval panel, the timeline, cancel; live
 * through `taskEvents` until it finishes.
 */
import { useMemo, useState } from 'preact/hooks';
import { toApiError, type ApiError } from '../api/errors.js';
import { APPROVAL, CANCEL_TASK, TASK, TASK_EVENTS } from '../api/queries.js';
import type { Approval, Budget, Task } from '../api/types.js';
import { DecisionBadge, RiskBadge, TaskStatusBadge, words } from '../components/badges.js';
import { formatTime, Reasons } from '../components/details.js';
import { ErrorNotice, Loading } from '../components/states.js';
import { GraphView } from '../graph/graph-view.js';
import { graphFromPlan } from '../graph/model.js';
import { useInterval, useLoad, useNow } from '../hooks.js';
import { useSubscription } from '../live.js';
import { Link } from '../router.js';
import { hasRole, useSession } from '../session.js';
import { useCapabilities } from '../capabilities.js';
import { ApprovalCard } from './approval-card.js';
import { DeterminismCheck } from './determinism.js';
import { TaintMark } from './provenance.js';
import { useReplay } from './replay-panel.js';
import { StepDetail } from './step-detail.js';
import { Timeline } from './timeline.js';

/** Polling while the task runs, in case the event stream is down. */
const LIVE_MS = 3_000;

export function TaskPage({ id }: { id: string }) {
  const { client, viewer } = useSession();
  const q = useLoad((s) => client.request<{ task: Task | null }>(TASK, { id }, s), [client, id]);
  const task = q.data?.task;
  const running = task ? !task.outcome : false;
  useInterval(q.reload, running ? LIVE_MS : null);
  const live = useSubscription(TASK_EVENTS, running ? { taskId: id } : null, () => q.reload(), 'on-error');
  const [selected, setSelected] = useState<string | null>(null);
  const graph = useMemo(() => (task ? graphFromPlan(task.steps) : null), [task]);
  const version = task ? `${task.status}|${task.steps.map((s) => s.state).join()}` : null;
  const replay = useReplay(id, version);
  const caps = useCapabilities();

  if (q.error && !task) return <ErrorNotice error={q.error} retry={q.reload} />;
  if (!q.data) return <Loading what="the task" />;
  if (!task) return <div class="notice warn" role="alert"><strong>Task <code>{id}</code> was not found</strong>, or you may not see it. <Link href="/tasks">Back to tasks</Link></div>;
  const step = task.steps.find((s) => s.stepId === selected) ?? null;
  const select = (stepId: string) => {
    setSelected(stepId);
    // why: move focus to the opened step so keyboard and screen-reader users land on what they asked for
    window.requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="step-detail"]')?.focus());
  };
  const pending = task.steps.filter((s) => s.approval?.status === 'PENDING');
  return (
    <section aria-labelledby="task-title">
      <p class="crumbs"><Link href="/tasks">Tasks</Link> / <code>{task.id}</code></p>
      <header class="page-head">
        <h1 id="task-title">{task.goal}</h1>
        <span><TaskStatusBadge status={task.status} /> <RiskBadge level={task.riskLevel} /> {running && <span class="muted">{live ? '● live' : `○ refreshing every ${LIVE_MS / 1000} s`}</span>}</span>
      </header>
      <dl class="summary">
        <div><dt>Agent</dt><dd><code>{task.agentId}</code></dd></div>
        <div><dt>Tenant</dt><dd><code>{task.tenant}</code></dd></div>
        <div><dt>Submitted by</dt><dd>{task.submittedBy}</dd></div>
        <div><dt>Submitted</dt><dd>{formatTime(task.createdAt)}</dd></div>
        <div><dt>Finished</dt><dd>{task.completedAt ? formatTime(task.completedAt) : 'still running'}</dd></div>
        <div><dt>Plan</dt><dd><code>{task.planId ?? '—'}</code> {task.planVersion && <span class="muted">v<code title={task.planVersion}>{task.planVersion.slice(0, 12)}</code></span>}</dd></div>
        <div><dt>Steps</dt><dd>{task.steps.length}</dd></div>
        <div><dt>History</dt><dd>{replay.replay ? <code title={replay.replay.historyDigest}>{replay.replay.historyDigest.slice(0, 12)}…</code> : <span class="muted">{replay.loading ? 'replaying…' : 'not available'}</span>}</dd></div>
      </dl>
      {replay.replay && (
        <div class="actions task-tools">
          {caps?.has('determinismCheck') && <DeterminismCheck taskId={task.id} />}
          {caps?.has('replayDiff') && <Link href={`/compare?mode=tasks&left=${encodeURIComponent(task.id)}`}>Compare with another task</Link>}
          {caps?.has('whatIf') && <Link href={`/compare?mode=whatif&left=${encodeURIComponent(task.id)}`}>What if another policy…</Link>}
          {caps?.has('exportEvidence') && <Link href={`/evidence?task=${encodeURIComponent(task.id)}`}>Export evidence</Link>}
        </div>
      )}
      {task.reasons.length > 0 && <><h2>Why it ended this way</h2><Reasons reasons={task.reasons} /></>}
      {/* the API lets only the submitting agent or an administrator cancel */}
      {running && (hasRole(viewer, 'ADMIN') || viewer.agentId === task.agentId) && <CancelTask id={task.id} onDone={q.reload} />}
      {pending.length > 0 && hasRole(viewer, 'APPROVER', 'INVESTIGATOR', 'ADMIN') && (
        <section aria-labelledby="approval-panel-title">
          <h2 id="approval-panel-title">Waiting for approval</h2>
          {pending.map((s) => s.approval && <StepApproval key={s.approval.id} id={s.approval.id} onDecided={q.reload} />)}
        </section>
      )}
      <BudgetTable budgets={task.budget} />
      <h2>Execution graph</h2>
      <p class="muted">Built from the plan's dependencies and each step's decision. Select a step to see its details and its history events.</p>
      {graph && graph.nodes.length > 0 ? <GraphView graph={graph} selected={selected} onSelect={select} /> : <p class="muted">This task has no steps.</p>}
      {step && <StepDetail step={step} provenance={replay.provenance.get(step.stepId)} events={replay.replay ? replay.byStep.get(step.stepId) ?? [] : undefined} />}
      <h2>Plan</h2>
      <ol class="step-list">
        {task.steps.map((s) => (
          <li key={s.stepId}><button type="button" class="link" aria-pressed={selected === s.stepId} onClick={() => select(s.stepId)}>
            <code>{s.stepId}</code> {s.tool}</button> <span class="muted">— {words(s.state)}</span> <DecisionBadge decision={s.decision} /> <TaintMark provenance={replay.provenance.get(s.stepId)} /></li>
        ))}
      </ol>
      {replay.replay && Array.isArray(replay.replay.timeline)
        ? <Timeline entries={replay.replay.timeline} selected={selected} onSelectStep={select} />
        : replay.error ? <section><h2>Timeline</h2>{replay.error.code === 'FORBIDDEN'
          ? <p class="notice info" role="note">The timeline, history events and provenance are read from the task's history, which only investigators and administrators may see.</p>
          : <ErrorNotice error={replay.error} />}</section>
          : <Loading what="the timeline" />}
    </section>
  );
}

function StepApproval({ id, onDecided }: { id: string; onDecided(): void }) {
  const { client } = useSession();
  const now = useNow();
  const q = useLoad((s) => client.request<{ approval: Approval | null }>(APPROVAL, { id }, s), [client, id]);
  const [done, setDone] = useState<string | null>(null);
  if (done) return <div class="notice ok" role="status">{done}</div>;
  if (q.error) return <ErrorNotice error={q.error} retry={q.reload} />;
  if (!q.data) return <Loading what="the approval" />;
  if (!q.data.approval) return null;
  return <ApprovalCard approval={q.data.approval} now={now} onDecided={(msg) => { setDone(msg); onDecided(); }} />;
}

function BudgetTable({ budgets }: { budgets: Budget[] }) {
  if (budgets.length === 0) return <><h2>Budget</h2><p class="muted">No budget applies to this task.</p></>;
  return (
    <>
      <h2>Budget</h2>
      <div class="table-wrap" tabIndex={0} aria-label="budgets that apply to this task">
        <table>
          <thead><tr><th scope="col">Scope</th><th scope="col">Metric</th><th scope="col">Window</th><th scope="col">Used</th><th scope="col">Limit</th></tr></thead>
          <tbody>{budgets.map((b) => {
            const used = b.usage.reduce((n, u) => n + u.used, 0), reserved = b.usage.reduce((n, u) => n + u.reserved, 0);
            const share = b.limit > 0 ? used / b.limit : 0;
            return (
              <tr key={b.id}>
                <td>{words(b.scope)}{b.scopeId ? <> <code>{b.scopeId}</code></> : ''}</td>
                <td>{words(b.metric)}</td>
                <td>{words(b.window)}</td>
                <td>{round(used)}{reserved > 0 ? <span class="muted"> (+{round(reserved)} reserved)</span> : ''} {share >= 0.8 && <span class="badge warn"><span aria-hidden="true">⚠ </span>{Math.round(share * 100)}% used</span>}</td>
                <td>{round(b.limit)}</td>
              </tr>
            );
          })}</tbody>
        </table>
      </div>
    </>
  );
}

const round = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(4).replace(/0+$/, ''));

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
