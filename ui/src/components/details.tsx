/** @module Pretty JSON, reasons, risk factors and relative times, as the Approvals and Task screens show them. */
import type { Reason, Risk } from '../api/types.js';
import { RiskBadge } from './badges.js';

export function Json({ value, label }: { value: unknown; label: string }) {
  const text = value === undefined ? 'undefined' : JSON.stringify(value, null, 2);
  return <pre class="json" tabIndex={0} aria-label={label}>{text}</pre>;
}

export function Reasons({ reasons }: { reasons: Reason[] }) {
  if (reasons.length === 0) return <p class="muted">No reasons recorded.</p>;
  return (
    <ul class="reasons">
      {reasons.map((r, i) => (
        <li key={`${r.code}-${i}`}>
          <code class="code-tag">{r.code}</code> {r.message}
          {r.policyId && <> <span class="muted">(policy <code>{r.policyId}</code>)</span></>}
        </li>
      ))}
    </ul>
  );
}

/** The risk score with each factor's weight and explanation, highest weight first. */
export function RiskFactors({ risk }: { risk: Risk | null }) {
  if (!risk) return <p class="muted">No risk assessment.</p>;
  const factors = [...risk.factors].sort((a, b) => b.weight - a.weight);
  return (
    <div class="risk">
      <RiskBadge level={risk.level} score={risk.score} />
      {factors.length === 0 ? <p class="muted">No risk factors.</p> : (
        <ul class="factors">
          {factors.map((f) => (
            <li key={f.code}><code class="code-tag">{f.code}</code> <span class="weight">+{f.weight}</span> {f.explanation}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function formatTime(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** "Expires in 4m 12s" / "Expired 3s ago"; coarse enough to read at a glance. */
export function countdown(untilIso: string, now: number): { text: string; expired: boolean; urgent: boolean } {
  const ms = Date.parse(untilIso) - now;
  const abs = Math.abs(ms);
  const s = Math.floor(abs / 1000) % 60, m = Math.floor(abs / 60_000) % 60, h = Math.floor(abs / 3_600_000);
  const span = h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
  return ms <= 0 ? { text: `Expired ${span} ago`, expired: true, urgent: true } : { text: `Expires in ${span}`, expired: false, urgent: ms < 5 * 60_000 };
}
