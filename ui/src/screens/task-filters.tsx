/** @module The Tasks filter form; filters live in the URL so a filtered list can be shared and reloaded. */
import type { Agent } from '../api/types.js';
import { RISK_LEVELS, TASK_STATUSES } from '../api/types.js';
import { words } from '../components/badges.js';

export interface TaskFilterValues {
  status: string;
  agentId: string;
  riskLevel: string;
  tool: string;
  from: string;
  to: string;
}

export const FILTER_KEYS: (keyof TaskFilterValues)[] = ['status', 'agentId', 'riskLevel', 'tool', 'from', 'to'];

export function filtersFromQuery(q: URLSearchParams): TaskFilterValues {
  const get = (k: string) => q.get(k) ?? '';
  return { status: get('status'), agentId: get('agentId'), riskLevel: get('riskLevel'), tool: get('tool'), from: get('from'), to: get('to') };
}

/** The GraphQL TaskFilter: empty fields left out, local datetime inputs turned into UTC instants. */
export function toTaskFilter(f: TaskFilterValues): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.status) out.status = f.status;
  if (f.agentId) out.agentId = f.agentId;
  if (f.riskLevel) out.riskLevel = f.riskLevel;
  if (f.tool.trim()) out.tool = f.tool.trim();
  for (const k of ['from', 'to'] as const) {
    const t = f[k] ? new Date(f[k]) : null;
    if (t && !Number.isNaN(t.getTime())) out[k] = t.toISOString();
  }
  return out;
}

export function TaskFilters({ value, agents, onChange }: { value: TaskFilterValues; agents: Agent[]; onChange(v: TaskFilterValues): void }) {
  const set = (k: keyof TaskFilterValues) => (e: Event) => onChange({ ...value, [k]: (e.target as HTMLInputElement).value });
  return (
    <form class="filters" role="search" aria-label="filter tasks" onSubmit={(e) => e.preventDefault()}>
      <div><label for="f-status">Status or outcome</label>
        <select id="f-status" value={value.status} onChange={set('status')}>
          <option value="">any</option>{TASK_STATUSES.map((s) => <option key={s} value={s}>{words(s)}</option>)}
        </select></div>
      <div><label for="f-agent">Agent</label>
        <select id="f-agent" value={value.agentId} onChange={set('agentId')}>
          <option value="">any</option>{agents.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
        </select></div>
      <div><label for="f-risk">Risk</label>
        <select id="f-risk" value={value.riskLevel} onChange={set('riskLevel')}>
          <option value="">any</option>{RISK_LEVELS.map((r) => <option key={r} value={r}>{words(r)}</option>)}
        </select></div>
      <div><label for="f-tool">Tool</label>
        <input id="f-tool" type="search" placeholder="e.g. send_email" value={value.tool} onChange={set('tool')} /></div>
      <div><label for="f-from">From</label><input id="f-from" type="datetime-local" value={value.from} onChange={set('from')} /></div>
      <div><label for="f-to">To</label><input id="f-to" type="datetime-local" value={value.to} onChange={set('to')} /></div>
      <div class="filter-reset"><button type="button" onClick={() => onChange({ status: '', agentId: '', riskLevel: '', tool: '', from: '', to: '' })}>Clear filters</button></div>
    </form>
  );
}
