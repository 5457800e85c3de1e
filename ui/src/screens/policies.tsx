/** @module Policy sets: active and past versions of the tenant, rollback, and the editor with its drift preview. */
import { useState } from 'preact/hooks';
import { toApiError, type ApiError } from '../api/errors.js';
import { ACTIVATE_POLICY_SET, POLICY_SETS } from '../api/queries.js';
import type { PolicySet } from '../api/types.js';
import { formatTime } from '../components/details.js';
import { Empty, ErrorNotice, Loading } from '../components/states.js';
import { useLoad } from '../hooks.js';
import { useCapabilities } from '../capabilities.js';
import { hasRole, useSession } from '../session.js';
import { useTenant } from '../tenant.js';
import { PolicyEditor } from './policy-editor.js';

export function Policies() {
  const { client, viewer } = useSession();
  const { tenant, canPick } = useTenant();
  const caps = useCapabilities();
  const q = useLoad((s) => client.request<{ policySets: PolicySet[] }>(POLICY_SETS, {}, s), [client]);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  // the platform administrator manages one tenant at a time: the one picked at the top
  const needsTenant = canPick && tenant === null;
  const isAdmin = hasRole(viewer, 'ADMIN') && !needsTenant;
  const sets = q.data?.policySets.filter((p) => tenant === null || p.tenant === tenant);
  const active = needsTenant ? undefined : sets?.find((p) => p.active);

  const activate = async (version: string) => {
    setActionError(null);
    try {
      await client.request(ACTIVATE_POLICY_SET, { version, ...(canPick && tenant ? { tenant } : {}) });
      q.reload();
    } catch (e) {
      setActionError(toApiError(e));
    }
  };
  return (
    <section aria-labelledby="policies-title">
      <header class="page-head"><h1 id="policies-title">Policies</h1>
        <span class="muted">{active ? <>active: <code>{active.version.slice(0, 12)}</code></> : sets ? 'no active policy set' : ''}</span></header>
      {needsTenant && <p class="notice info" role="note">You are looking at every tenant's policy sets. Pick a tenant at the top of the page to publish or roll back one tenant's policies.</p>}
      {q.error && <ErrorNotice error={q.error} retry={q.reload} />}
      {actionError && <ErrorNotice error={actionError} />}
      {!sets && q.loading && <Loading what="policy sets" />}
      {sets && sets.length === 0 && <Empty><p>No policy set has been published in this tenant; every step is denied until one is.</p></Empty>}
      {sets && sets.length > 0 && (
        <div class="table-wrap" tabIndex={0} aria-label="policy set versions">
          <table>
            <thead><tr>{needsTenant && <th scope="col">Tenant</th>}<th scope="col">Version</th><th scope="col">State</th><th scope="col">Description</th><th scope="col">Published</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>{sets.map((p) => (
              <tr key={`${p.tenant}/${p.version}`}>
                {needsTenant && <td><code>{p.tenant}</code></td>}
                <td><code title={p.version}>{p.version.slice(0, 12)}</code></td>
                <td>{p.active ? <span class="badge ok"><span aria-hidden="true">● </span>Active</span> : <span class="badge muted"><span aria-hidden="true">○ </span>Past</span>}</td>
                <td>{p.description ?? <span class="muted">—</span>}</td>
                <td>{formatTime(p.createdAt)} <span class="muted">by {p.createdBy}</span></td>
                <td>{!p.active && isAdmin && <button type="button" onClick={() => void activate(p.version)}>Activate (roll back)</button>}</td>
              </tr>))}
            </tbody>
          </table>
        </div>
      )}
      {sets && caps && !needsTenant && <><h2>Editor</h2>
        <PolicyEditor key={tenant ?? ''} initial={active?.cedar ?? ''} canPublish={isAdmin} canPreview={caps.has('policyDriftReport')} tenant={canPick ? tenant : null} onPublished={q.reload} /></>}
    </section>
  );
}
