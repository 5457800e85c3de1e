/** @module Everything recorded about one step: decision and why, provenance and taint, risk, approval, result, and its history events. */
import type { Step, TimelineEntry } from '../api/types.js';
import { DecisionBadge, StepStateBadge, words } from '../components/badges.js';
import { formatTime, Json, Reasons, RiskFactors } from '../components/details.js';
import type { StepProvenance } from '../forensics/replay-facts.js';
import { ProvenanceBadges } from './provenance.js';
import { TimelineList } from './timeline.js';

export function StepDetail({ step: s, provenance, events }: { step: Step; provenance: StepProvenance | undefined; events: TimelineEntry[] | undefined }) {
  return (
    <article class="card step" aria-labelledby={`step-${s.stepId}-title`} data-testid="step-detail" tabIndex={-1}>
      <header class="card-head">
        <h3 id={`step-${s.stepId}-title`}>Step <code>{s.stepId}</code>: <code>{s.tool}</code></h3>
        <span><StepStateBadge state={s.state} /> <DecisionBadge decision={s.decision} /></span>
      </header>
      {s.dependsOn.length > 0 && <p>Depends on {s.dependsOn.map((d) => <code key={d} class="code-tag">{d}</code>)}</p>}
      <div class="grid-2">
        <section aria-label="arguments"><h4>Arguments</h4><Json value={s.args} label={`arguments of step ${s.stepId}`} />
          <h4>Provenance</h4>
          {provenance ? <ProvenanceBadges provenance={provenance} /> : <p class="muted">Not known until the task's history can be replayed.</p>}
        </section>
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
      <h4>History events of this step</h4>
      {events ? <TimelineList entries={events} compact /> : <p class="muted">The timeline is not available.</p>}
    </article>
  );
}
