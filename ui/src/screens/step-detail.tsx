/** @module Everything recorded about one step: decision and why, risk, approval, result. */
import type { Step } from '../api/types.js';
import { DecisionBadge, StepStateBadge, words } from '../components/badges.js';
import { formatTime, Json, Reasons, RiskFactors } from '../components/details.js';

export function StepDetail({ step: s }: { step: Step }) {
  return (
    <article class="card step" aria-labelledby={`step-${s.stepId}-title`} data-testid="step-detail">
      <header class="card-head">
        <h3 id={`step-${s.stepId}-title`}>Step <code>{s.stepId}</code>: <code>{s.tool}</code></h3>
        <span><StepStateBadge state={s.state} /> <DecisionBadge decision={s.decision} /></span>
      </header>
      {s.dependsOn.length > 0 && <p>Depends on {s.dependsOn.map((d) => <code key={d} class="code-tag">{d}</code>)}</p>}
      <div class="grid-2">
        <section aria-label="arguments"><h4>Arguments</h4><Json value={s.args} label={`arguments of step ${s.stepId}`} /></section>
        <section aria-label="decision">
          <h4>Reasons</h4><Reasons reasons={s.reasons} />
          <h4>Determining policies</h4>
          {s.determiningPolicies.length ? <p>{s.determiningPolicies.map((p) => <code key={p} class="code-tag">{p}</code>)}</p> : <p class="muted">None recorded.</p>}
          <h4>Risk</h4><RiskFactors risk={s.risk} />
        </section>
      </div>
      <h4>Approval</h4>
      {s.approval ? (
        <p>{words(s.approval.status)}{s.approval.decidedBy ? ` by ${s.approval.decidedBy}` : ''} · expires {formatTime(s.approval.expiresAt)}</p>
      ) : <p class="muted">No approval was needed.</p>}
      <h4>Result</h4>
      {s.error && <p class="notice error" role="note"><code>{s.error.code}</code> {s.error.message}</p>}
      {s.executed ? <Json value={s.result} label={`result of step ${s.stepId}`} /> : <p class="muted">The tool did not run.</p>}
    </article>
  );
}
