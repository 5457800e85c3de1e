/** @module MCP: JSON-RPC `tools/call` requests, alone or as a batch. */
import { childPath, failAt } from '../issues.js';
import { isRecord, type ToolCall } from '../tool-calls.js';

function mcpCall(raw: unknown, path: string): ToolCall {
  const at = (key: string): string => childPath(path, key) || key;
  if (!isRecord(raw)) failAt(path || '(root)', 'must be a JSON-RPC request object');
  if (raw.jsonrpc !== '2.0') failAt(at('jsonrpc'), 'must be `2.0`');
  if (raw.method !== 'tools/call') failAt(at('method'), 'must be `tools/call`');
  // why required: a tools/call without an id is a notification, which JSON-RPC forbids to answer.
  if (typeof raw.id !== 'string' && !(typeof raw.id === 'number' && Number.isInteger(raw.id))) failAt(at('id'), 'must be a string or an integer');
  if (!isRecord(raw.params)) failAt(at('params'), 'must be an object with `name` and `arguments`');
  const args = raw.params.arguments ?? {};
  if (!isRecord(args)) failAt(at('params.arguments'), 'must be a JSON object');
  return { id: String(raw.id), name: raw.params.name, args, path, namePath: 'params.name' };
}

/** Tool calls in one `tools/call` request or a batch array of them. */
export function mcpCalls(payload: unknown): ToolCall[] {
  if (!Array.isArray(payload)) return [mcpCall(payload, '')];
  if (payload.length === 0) failAt('(root)', 'batch must hold at least one request');
  return payload.map((item: unknown, i) => mcpCall(item, childPath('', i)));
}
