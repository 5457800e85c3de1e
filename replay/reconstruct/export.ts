/** @module Exporters of an execution graph: canonical JSON, Mermaid and Graphviz DOT, with labels escaped. */
import { canonicalJson } from '../../lib/canonical-json.js';
import type { ExecutionGraph, GraphNodeKind } from './types.js';

/** Canonical JSON (RFC 8785) of the graph: byte-identical for the same history. */
export function graphToJSON(graph: ExecutionGraph): string {
  return canonicalJson(graph);
}

const MERMAID_SHAPE: Record<GraphNodeKind, [string, string]> = {
  source: ['[(', ')]'], plan: ['[[', ']]'], step: ['[', ']'], decision: ['{', '}'], approval: ['([', '])'], execution: ['[/', '/]'], outcome: ['((', '))'],
};

// why: Mermaid labels are quoted; quotes, angle brackets and entities are written as #code; entities,
// and newlines are flattened, so no label can close its node or inject markup.
function mermaidText(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/[#"<>&`\\|{}[\]()]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** Mermaid flowchart; node ids are positional (n0, n1, ...) because graph ids may hold any character. */
export function graphToMermaid(graph: ExecutionGraph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ['flowchart LR'];
  for (const n of graph.nodes) {
    const [open, close] = MERMAID_SHAPE[n.kind];
    lines.push(`  ${ids.get(n.id)}${open}"${mermaidText(n.label)}"${close}`);
  }
  for (const e of graph.edges) {
    const from = ids.get(e.from);
    const to = ids.get(e.to);
    if (from && to) lines.push(`  ${from} -->|${mermaidText(e.kind)}| ${to}`);
  }
  return `${lines.join('\n')}\n`;
}

const DOT_SHAPE: Record<GraphNodeKind, string> = {
  source: 'cylinder', plan: 'folder', step: 'box', decision: 'diamond', approval: 'octagon', execution: 'component', outcome: 'doublecircle',
};

// why: a DOT string is double-quoted; backslash and quote are escaped, newlines become \n escapes.
function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n|\r/g, '\\n')}"`;
}

/** Graphviz DOT digraph. */
export function graphToDot(graph: ExecutionGraph): string {
  const lines = ['digraph execution {', '  rankdir=LR;'];
  for (const n of graph.nodes) lines.push(`  ${dotString(n.id)} [label=${dotString(n.label)}, shape=${DOT_SHAPE[n.kind]}];`);
  for (const e of graph.edges) lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [label=${dotString(e.kind)}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
