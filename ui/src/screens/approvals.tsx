/** @module The approvals queue: pending approvals, oldest first, refreshed by the `approvalRequests` subscription and by polling. */
import { useState } from 'preact/hooks';
import { APPROVAL_REQUESTS, PENDING_APPROVALS } from '../api/queries.js';
import type { Approval } from '../api/types.js';
import { Empty, ErrorNotice, Loading } from '../components/states.js';
import { useInterval, useLoad, useNow } from '../hooks.js';
import { useSubscription } from '../live.js';
import { useSession } from '../session.js';
import { useTenant } from '../tenant.js';
import { ApprovalCard } from './approval-card.js';

/** Polling covers what the subscription does not announce: decisions by others and expiries. */
const POLL_MS = 5_000;

export function Approvals() {
  const { client } = useSession();
  const now = useNow();
  const { tenant } = useTenant();
  const [flash, setFlash] = useState<string | null>(null);
  const q = useLoad((signal) => client.request<{ pendingApprovals: Approval[] }>(PENDING_APPROVALS, {}, signal), [client]);
  useInterval(q.reload, POLL_MS);
  const live = useSubscription(APPROVAL_REQUESTS, {}, () => q.reload());
  // the platform administrator sees every tenant's queue; the tenant picker narrows it
  const list = q.data?.pendingApprovals.filter((a) => tenant === null || a.tenant === tenant);
  return (
    <section aria-labelledby="approvals-title">
      <header class="page-head">
        <h1 id="approvals-title">Approvals</h1>
        <span class="muted" role="status">{live ? '● live' : '○ polling every 5 s'}{list ? ` · ${list.length} pending` : ''}</span>
      </header>
      {flash && <div class="notice ok" role="status">{flash}</div>}
      {q.error && <ErrorNotice error={q.error} retry={q.reload} />}
      {!list && q.loading && <Loading what="pending approvals" />}
      {list && list.length === 0 && <Empty><p><strong>Nothing is waiting for a decision.</strong></p><p class="muted">Steps that a policy holds for approval appear here as soon as they are requested.</p></Empty>}
      {list?.map((a) => <ApprovalCard key={a.id} approval={a} now={now} onDecided={(msg) => { setFlash(msg); q.reload(); }} />)}
    </section>
  );
}
