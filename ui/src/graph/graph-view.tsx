/** @module The execution graph as SVG (`tabindex` lowercase: SVG attributes are case-sensitive): each node is a keyboard-reachable button; state shows as word, symbol and colour. */
import { useMemo, useState } from 'preact/hooks';
import { iconOfState, toneOfState, words } from '../components/badges.js';
import { layoutGraph, NODE_H, NODE_W } from './layout.js';
import type { ExecutionGraph } from './model.js';

function path(points: { x: number; y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Graphs with more steps than this open fitted to the width, so the shape is visible first. */
const FIT_ABOVE = 30;

export function GraphView({ graph, selected, onSelect }: { graph: ExecutionGraph; selected: string | null; onSelect(id: string): void }) {
  const layout = useMemo(() => layoutGraph(graph), [graph]);
  const [fit, setFit] = useState(graph.nodes.length > FIT_ABOVE);
  // why a roving tabindex: with one tab stop per node, a 500-step graph would take 500 Tabs to get past;
  // the graph is one tab stop and the arrow keys move between nodes (in plan order), Home/End jump.
  const tabStop = selected && layout.nodes.some((n) => n.id === selected) ? selected : layout.nodes[0]?.id;
  const keyDown = (id: string, index: number) => (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect(id);
      return;
    }
    const last = layout.nodes.length - 1;
    const to = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? Math.min(index + 1, last)
      : e.key === 'ArrowUp' || e.key === 'ArrowLeft' ? Math.max(index - 1, 0)
        : e.key === 'Home' ? 0 : e.key === 'End' ? last : null;
    if (to === null) return;
    e.preventDefault();
    const svg = (e.currentTarget as SVGGElement).ownerSVGElement;
    svg?.querySelectorAll<SVGGElement>('g.node')[to]?.focus();
  };
  return (
    <div class="graph" data-testid="execution-graph">
      <div class="graph-tools">
        <button type="button" aria-pressed={fit} onClick={() => setFit((f) => !f)}>Fit to width</button>
      </div>
      <div class="graph-wrap">
      <svg class={fit ? 'fit' : undefined} width={fit ? undefined : layout.width} height={fit ? undefined : layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="group" aria-label={`execution graph, ${graph.nodes.length} steps; arrow keys move between steps, Enter opens one`}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
          </marker>
        </defs>
        <g class="edges" aria-hidden="true">
          {layout.edges.map((e) => <path key={`${e.from}->${e.to}`} d={path(e.points)} class="edge" marker-end="url(#arrow)" />)}
        </g>
        {layout.nodes.map((n, i) => (
          <g key={n.id} class={`node ${toneOfState(n.state)} ${selected === n.id ? 'selected' : ''}`} data-step={n.id}
            transform={`translate(${n.x - NODE_W / 2},${n.y - NODE_H / 2})`} role="button" tabindex={n.id === tabStop ? 0 : -1}
            aria-pressed={selected === n.id} aria-label={`step ${n.id}: ${n.label}, ${words(n.state)}${n.decision ? `, decision ${words(n.decision)}` : ''}`}
            onClick={() => onSelect(n.id)} onKeyDown={keyDown(n.id, i)}>
            <rect width={NODE_W} height={NODE_H} rx="8" />
            <text x="10" y="21" class="node-title">{iconOfState(n.state)} {clip(n.label, 18)}</text>
            <text x="10" y="40" class="node-sub">{clip(n.sublabel, 12)} · {words(n.state)}</text>
          </g>
        ))}
      </svg>
      </div>
    </div>
  );
}
