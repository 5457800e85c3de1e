/** @module Pick a task of the current tenant from its recent tasks; an id that came in the URL (a shared link) stays selectable even when it is older. */
import { RECENT_TASKS } from '../api/queries.js';
import { formatTime } from '../components/details.js';
import { useLoad } from '../hooks.js';
import { useSession } from '../session.js';
import { useTenant } from '../tenant.js';

export interface TaskOption { id: string; goal: string; status: string; createdAt: string }

/** Recent tasks (newest first) of the tenant in scope. */
export function useRecentTasks(first = 50) {
  const { client } = useSession();
  const { tenant, canPick } = useTenant();
  return useLoad(async (s) => {
    const d = await client.request<{ tasks: { edges: { node: TaskOption }[] } }>(RECENT_TASKS, { filter: canPick && tenant ? { tenant } : {}, first }, s);
    return d.tasks.edges.map((e) => e.node);
  }, [client, tenant, first]);
}

export function TaskPicker({ id, label, value, options, onChange }: { id: string; label: string; value: string; options: TaskOption[]; onChange(v: string): void }) {
  const known = options.some((o) => o.id === value);
  return (
    <div>
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        <option value="">choose a task…</option>
        {!known && value && <option value={value}>{value}</option>}
        {options.map((o) => <option key={o.id} value={o.id}>{o.goal || o.id} · {o.status.toLowerCase().replace(/_/g, ' ')} · {formatTime(o.createdAt)}</option>)}
      </select>
    </div>
  );
}
