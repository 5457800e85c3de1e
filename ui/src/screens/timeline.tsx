/** @module The task's timeline from its Temporal history: what happened, when, by whom, and which history events say so. */
import { useState } from 'preact/hooks';
import type { TimelineEntry } from '../api/types.js';

type Tone = 'ok' | 'bad' | 'warn' | 'info' | 'muted';

/** Tone and symbol by kind prefix and suffix, so a kind the UI has not seen yet still reads sensibly. */
function toneOf(kind: string): [Tone, string] {
  if (/rejected|exceeded|failed|denied/.test(kind)) return ['bad', '✕'];
  if (kind.startsWith('approval.') || kind === 'cancel.requested' || kind === 'activity.retried') return ['warn', '⏸'];
  if (kind === 'tool.executed' || kind === 'identity.verified' || kind === 'plan.extracted') return ['ok', '✓'];
  if (kind === 'step.skipped' || kind === 'step.cancelled') return ['muted', '↷'];
  return ['info', '•'];
}

const timeOf = (iso?: string) => (iso ? new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 }) : '—');

function eventRange(ids: number[]): string {
  if (ids.length === 0) return 'no history event';
  // a local activity's scheduled, started and completed ids are all its one marker event
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  return sorted.length === 1 ? `history event ${sorted[0]}` : `history events ${sorted.join(', ')}`;
}

export function TimelineList({ entries, selected, onSelectStep, compact = false }: {
  entries: TimelineEntry[];
  selected?: string | null;
  onSelectStep?(stepId: string): void;
  compact?: boolean;
}) {
  if (entries.length === 0) return <p class="muted">No timeline entries.</p>;
  return (
    <ol class={`timeline ${compact ? 'compact' : ''}`}>
      {entries.map((e) => {
        const [tone, icon] = toneOf(e.kind);
        return (
          <li key={e.id} class={selected && e.stepId === selected ? 'current' : undefined} data-kind={e.kind} data-entry={e.id}>
            <time dateTime={e.at}>{timeOf(e.at)}</time>
            <span class={`badge ${tone}`}><span aria-hidden="true">{icon} </span>{e.kind}</span>
            <span class="tl-body">
              {e.stepId && !compact && (onSelectStep
                ? <button type="button" class="link" onClick={() => onSelectStep(e.stepId!)}>step {e.stepId}</button>
                : <code>step {e.stepId}</code>)}
              {' '}{e.summary}
              <span class="muted"> · {e.actor.kind} <code>{e.actor.id}</code> · {eventRange(e.eventIds)}</span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** The whole timeline, narrowed to the selected step on request. */
export function Timeline({ entries, selected, onSelectStep }: { entries: TimelineEntry[]; selected: string | null; onSelectStep(stepId: string): void }) {
  const [onlySelected, setOnlySelected] = useState(false);
  const shown = onlySelected && selected ? entries.filter((e) => e.stepId === selected) : entries;
  return (
    <section aria-labelledby="timeline-title" data-testid="timeline">
      <header class="page-head">
        <h2 id="timeline-title">Timeline <span class="muted">({shown.length} of {entries.length} entries)</span></h2>
        {selected && (
          <label class="inline"><input type="checkbox" checked={onlySelected} onChange={(e) => setOnlySelected((e.target as HTMLInputElement).checked)} /> only step <code>{selected}</code></label>
        )}
      </header>
      <p class="muted">Rebuilt from the task's Temporal history; every entry names the history events it comes from.</p>
      <TimelineList entries={shown} selected={selected} onSelectStep={onSelectStep} />
    </section>
  );
}
