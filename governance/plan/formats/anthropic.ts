/** @module Anthropic Messages API: `tool_use` content blocks. */
import { childPath, failAt, quote } from '../issues.js';
import { isRecord, type ToolCall } from '../tool-calls.js';

// why a closed list: server tools and unknown blocks may be actions; fail rather than skip them.
const IGNORED_BLOCKS = new Set(['text', 'thinking', 'redacted_thinking']);

/** Tool calls in a Messages API response (or a bare content array). */
export function anthropicCalls(payload: unknown): ToolCall[] {
  const blocks = Array.isArray(payload) ? payload : isRecord(payload) ? payload.content : undefined;
  const base = Array.isArray(payload) ? '' : 'content';
  if (!Array.isArray(blocks)) failAt(base || '(root)', 'must be an array of content blocks');
  const calls: ToolCall[] = [];
  blocks.forEach((block: unknown, i) => {
    const path = childPath(base, i);
    if (!isRecord(block)) failAt(path, 'must be an object');
    if (typeof block.type === 'string' && IGNORED_BLOCKS.has(block.type)) return;
    if (block.type !== 'tool_use') failAt(childPath(path, 'type'), `unsupported content block type ${quote(String(block.type))}`);
    if (typeof block.id !== 'string') failAt(childPath(path, 'id'), 'must be a string');
    if (!isRecord(block.input)) failAt(childPath(path, 'input'), 'must be a JSON object');
    calls.push({ id: block.id, name: block.name, args: block.input, path, namePath: 'name' });
  });
  if (calls.length === 0) failAt(base || '(root)', 'holds no `tool_use` block');
  return calls;
}
