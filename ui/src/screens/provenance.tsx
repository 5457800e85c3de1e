/** @module Provenance and taint of a step as badges: words and symbols, colour only as a third signal. */
import { isUntrusted, type StepProvenance } from '../forensics/replay-facts.js';

export function ProvenanceBadges({ provenance: p }: { provenance: StepProvenance }) {
  return (
    <p class="provenance">
      {p.taintedBy.map((t) => <span key={`t-${t}`} class="badge bad" data-testid="taint"><span aria-hidden="true">☣ </span>tainted by {t}</span>)}
      {p.sources.map((s) => (
        <span key={`s-${s.source}`} class={`badge ${isUntrusted(s.trust) ? 'warn' : 'muted'}`}>
          <span aria-hidden="true">{isUntrusted(s.trust) ? '⚠ ' : '◆ '}</span>from {s.source}{s.trust ? ` (${s.trust})` : ''}
        </span>
      ))}
      {p.sources.length === 0 && p.taintedBy.length === 0 && <span class="muted">No recorded sources.</span>}
    </p>
  );
}

/** The short form for lists: only what needs attention. */
export function TaintMark({ provenance: p }: { provenance: StepProvenance | undefined }) {
  if (!p) return null;
  if (p.taintedBy.length > 0) return <span class="badge bad"><span aria-hidden="true">☣ </span>tainted</span>;
  if (p.sources.some((s) => isUntrusted(s.trust))) return <span class="badge warn"><span aria-hidden="true">⚠ </span>untrusted input</span>;
  return null;
}
