/** @module One held step: what it would do, why it was held, and the approve/deny form (or why you may not decide). */
import { useState } from 'preact/hooks';
import { toApiError, type ApiError } from '../api/errors.js';
import { DECIDE_APPROVAL } from '../api/queries.js';
import type { Approval } from '../api/types.js';
import { countdown, formatTime, Reasons, RiskFactors } from '../components/details.js';
import { ErrorNotice } from '../components/states.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { ArgsDiff } from './args-diff.js';
import { ProvenanceBadges } from './provenance.js';
import { useReplay } from './replay-panel.js';

export function ApprovalCard({ approval: a, now, onDecided }: { approval: Approval; now: number; onDecided(msg: string): void }) {
  const { client } = useSession();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [missingReason, setMissingReason] = useState(false);
  const left = countdown(a.expiresAt, now);
  const id = `approval-${a.id}`;

  const decide = async (decision: 'APPROVE' | 'DENY') => {
    if (decision === 'DENY' && !reason.trim()) {
      setMissingReason(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // why: sending the binding we displayed means the decision applies to exactly the call shown here.
      await client.request(DECIDE_APPROVAL, { input: { approvalId: a.id, decision, reason: reason.trim() || null, binding: a.binding } });
      onDecided(`${decision === 'APPROVE' ? 'Approved' : 'Denied'} ${a.tool} (step ${a.stepId}).`);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article class="card approval" aria-labelledby={`${id}-title`} data-approval-id={a.id}>
      <header class="card-head">
        <h2 id={`${id}-title`}><code>{a.tool}</code> <span class="muted">step {a.stepId}</span></h2>
        <span class={`countdown ${left.urgent ? 'urgent' : ''}`} title={`expires ${formatTime(a.expiresAt)}`}>
          {left.text}
        </span>
      </header>
      {a.task && (
        <p>Task <Link href={`/tasks/${encodeURIComponent(a.task.id)}`}>{a.task.goal}</Link>
          <span class="muted"> · agent <code>{a.task.agentId}</code> · submitted by {a.task.submittedBy} · requested {formatTime(a.requestedAt)}</span></p>
      )}
      <div class="grid-2">
        <section aria-label="arguments"><h3>Arguments</h3>
          <ArgsDiff tool={a.tool} args={a.args} taskId={a.task?.id ?? null} agentId={a.task?.agentId ?? null} label={`arguments of ${a.tool}`} />
          <p class="digest">Bound to <code title={a.binding}>{a.binding.slice(0, 16)}…</code> (arguments digest <code title={a.argsDigest}>{a.argsDigest.slice(0, 12)}…</code>)</p>
        </section>
        <section aria-label="why it was held">
          <h3>Why it was held</h3>
          <p>Asked by {a.policyIds.length ? a.policyIds.map((p) => <code key={p} class="code-tag">{p}</code>) : <span class="muted">no policy id</span>}</p>
          <Reasons reasons={a.reasons} />
          <h3>Risk</h3>
          <RiskFactors risk={a.risk} />
          {a.task && <><h3>Provenance</h3><ApprovalProvenance taskId={a.task.id} stepId={a.stepId} /></>}
        </section>
      </div>
      {a.canDecide ? (
        <form class="decide" onSubmit={(e) => e.preventDefault()}>
          <label for={`${id}-reason`}>Reason <span class="muted">(required to deny)</span></label>
          <textarea id={`${id}-reason`} rows={2} value={reason} aria-invalid={missingReason}
            aria-describedby={missingReason ? `${id}-reason-err` : undefined}
            onInput={(e) => { setReason((e.target as HTMLTextAreaElement).value); setMissingReason(false); }} />
          {missingReason && <p id={`${id}-reason-err`} class="field-error" role="alert">Give a reason to deny.</p>}
          <div class="actions">
            <button type="button" class="approve" disabled={busy || left.expired} onClick={() => void decide('APPROVE')}>✓ Approve</button>
            <button type="button" class="deny" disabled={busy || left.expired} onClick={() => void decide('DENY')}>✕ Deny</button>
          </div>
        </form>
      ) : (
        <p class="notice info" role="note"><strong>You cannot decide this one.</strong> {a.whyNot ?? 'You are not allowed to decide it.'}</p>
      )}
      {error && <ErrorNotice error={error} />}
    </article>
  );
}

/** Where the held call's inputs came from, from the task's history (investigators; others see a note). */
function ApprovalProvenance({ taskId, stepId }: { taskId: string; stepId: string }) {
  const r = useReplay(taskId, stepId);
  const p = r.provenance.get(stepId);
  if (p) return <ProvenanceBadges provenance={p} />;
  if (r.loading) return <p class="muted">Reading the task's history…</p>;
  return <p class="muted">{r.error?.code === 'FORBIDDEN' ? 'Only investigators can read where the inputs came from.' : 'Not recorded.'}</p>;
}
