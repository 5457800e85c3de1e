/** @module The Tasks list: filters, cursor pagination, live refresh of the page on screen. */
import { useState } from 'preact/hooks';
import { AGENTS, TASK_CHANGES, TASKS } from '../api/queries.js';
import type { Agent, TaskSummary } from '../api/types.js';
import { RiskBadge, TaskStatusBadge } from '../components/badges.js';
import { formatTime } from '../components/details.js';
import { Empty, ErrorNotice, Loading } from '../components/states.js';
import { useInterval, useLoad } from '../hooks.js';
import { Link, navigate, useRoute } from '../router.js';
import { useSubscription } from '../live.js';
import { useSession } from '../session.js';
import { useTenant } from '../tenant.js';
import { FILTER_KEYS, TaskFilters, filtersFromQuery, toTaskFilter, type TaskFilterValues } from './task-filters.js';

const PAGE = 20;
const REFRESH_MS = 15_000;

interface TasksData {
  tasks: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: TaskSummary }[] };
}

export function Tasks() {
  const { client } = useSession();
  const { tenant, canPick } = useTenant();
  const { query } = useRoute();
  const filters = filtersFromQuery(query);
  const filterKey = JSON.stringify([filters, tenant]);
  // the cursors of the pages before this one, so "Previous" can go back without a backwards cursor in the API
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const agents = useLoad((s) => client.request<{ agents: Agent[] }>(AGENTS, {}, s).catch(() => ({ agents: [] })), [client]);
  const q = useLoad((s) => client.request<TasksData>(TASKS, { filter: { ...toTaskFilter(filters), ...(canPick && tenant ? { tenant } : {}) }, first: PAGE, after }, s), [client, filterKey, after]);
  // why both: the subscription reports each task change at once; polling covers a dropped stream
  useInterval(q.reload, REFRESH_MS);
  const live = useSubscription(TASK_CHANGES, canPick && tenant ? { tenant } : {}, () => q.reload());
  const showTenant = canPick && tenant === null;

  const setFilters = (v: TaskFilterValues) => {
    const p = new URLSearchParams();
    for (const k of FILTER_KEYS) if (v[k]) p.set(k, v[k]);
    setCursors([null]);
    navigate(`/tasks${p.size ? `?${p}` : ''}`, true);
  };
  const data = q.data?.tasks;
  const agentName = new Map((agents.data?.agents ?? []).map((a) => [a.id, a.name]));
  return (
    <section aria-labelledby="tasks-title">
      <header class="page-head"><h1 id="tasks-title">Tasks</h1>
        <span class="muted" role="status">{data ? `${data.totalCount} task${data.totalCount === 1 ? '' : 's'}` : ''}{canPick ? ` · ${tenant ? `tenant ${tenant}` : 'all tenants'}` : ''} · {live ? '● live' : 'refreshes every 15 s'}</span></header>
      <TaskFilters value={filters} agents={agents.data?.agents ?? []} onChange={setFilters} />
      {q.error && <ErrorNotice error={q.error} retry={q.reload} />}
      {!data && q.loading && <Loading what="tasks" />}
      {data && data.edges.length === 0 && <Empty><p><strong>No tasks match.</strong></p><p class="muted">Tasks appear when an agent submits a plan; try clearing the filters.</p></Empty>}
      {data && data.edges.length > 0 && (
        <div class="table-wrap" tabIndex={0} aria-busy={q.loading} aria-label="tasks table, scrolls sideways on narrow screens">
          <table class="tasks">
            <thead><tr><th scope="col">Goal</th><th scope="col">Status</th><th scope="col">Risk</th><th scope="col">Agent</th>{showTenant && <th scope="col">Tenant</th>}<th scope="col">Tools</th><th scope="col">Submitted</th></tr></thead>
            <tbody>{data.edges.map(({ node: t }) => (
              <tr key={t.id}>
                <td><Link href={`/tasks/${encodeURIComponent(t.id)}`}>{t.goal || t.id}</Link></td>
                <td><TaskStatusBadge status={t.status} /></td>
                <td><RiskBadge level={t.riskLevel} /></td>
                <td>{agentName.get(t.agentId) ?? <code>{t.agentId}</code>}</td>
                {showTenant && <td><code>{t.tenant}</code></td>}
                <td>{[...new Set(t.steps.map((s) => s.tool))].map((n) => <code key={n} class="code-tag">{n}</code>)}</td>
                <td>{formatTime(t.createdAt)}</td>
              </tr>))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="pages">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>← Previous</button>
        <span>Page {cursors.length}</span>
        <button type="button" disabled={!data?.pageInfo.hasNextPage} onClick={() => data?.pageInfo.endCursor && setCursors((c) => [...c, data.pageInfo.endCursor])}>Next →</button>
      </nav>
    </section>
  );
}
