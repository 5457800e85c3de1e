/** @module OpenAI shapes: Chat Completions `tool_calls` and Responses API `function_call` items. */
import { childPath, failAt, quote } from '../issues.js';
import { isRecord, parseArguments, type ToolCall } from '../tool-calls.js';

/** Locate the assistant message: a full response (`choices[0].message`) or a bare message. */
function chatMessage(payload: Record<string, unknown>): { message: Record<string, unknown>; path: string } {
  if (!('choices' in payload)) return { message: payload, path: '' };
  const choices = payload.choices;
  if (!Array.isArray(choices) || choices.length === 0) failAt('choices', 'must be a non-empty array');
  // why only choices[0]: further choices are alternative completions (n > 1), not more actions.
  const first: unknown = choices[0];
  if (!isRecord(first) || !isRecord(first.message)) failAt('choices[0].message', 'must be an object');
  return { message: first.message, path: 'choices[0].message' };
}

function chatCall(raw: unknown, path: string): ToolCall {
  if (!isRecord(raw)) failAt(path, 'must be an object');
  if (raw.type !== 'function') failAt(childPath(path, 'type'), `must be \`function\`, got ${quote(String(raw.type))}`);
  if (raw.id !== undefined && typeof raw.id !== 'string') failAt(childPath(path, 'id'), 'must be a string');
  const fn = raw.function;
  if (!isRecord(fn)) failAt(childPath(path, 'function'), 'must be an object with `name` and `arguments`');
  const args = parseArguments(fn.arguments, childPath(path, 'function.arguments'));
  return { id: raw.id, name: fn.name, args, path, namePath: 'function.name' };
}

/** Tool calls of a Chat Completions response or assistant message. */
export function openAiChatCalls(payload: unknown): ToolCall[] {
  if (!isRecord(payload)) failAt('(root)', 'must be a chat completion or an assistant message object');
  const { message, path } = chatMessage(payload);
  const callsPath = childPath(path, 'tool_calls');
  const calls = message.tool_calls;
  if (calls === undefined || calls === null) failAt(callsPath, 'is missing: the message holds no tool calls');
  if (!Array.isArray(calls) || calls.length === 0) failAt(callsPath, 'must be a non-empty array');
  return calls.map((c, i) => chatCall(c, childPath(callsPath, i)));
}

// why a closed list: any other item (custom_tool_call, computer_call, mcp_call…) may be an action
// this parser does not understand; failing is safer than letting it pass ungoverned.
const IGNORED_RESPONSE_ITEMS = new Set(['message', 'reasoning']);

/** Function calls in a Responses API result (`output` items), or a bare array of output items. */
export function openAiResponsesCalls(payload: unknown): ToolCall[] {
  const items = Array.isArray(payload) ? payload : isRecord(payload) ? payload.output : undefined;
  const base = Array.isArray(payload) ? '' : 'output';
  if (!Array.isArray(items)) failAt(base || '(root)', 'must be an array of output items');
  const calls: ToolCall[] = [];
  items.forEach((item: unknown, i) => {
    const path = childPath(base, i);
    if (!isRecord(item)) failAt(path, 'must be an object');
    if (typeof item.type === 'string' && IGNORED_RESPONSE_ITEMS.has(item.type)) return;
    if (item.type !== 'function_call') failAt(childPath(path, 'type'), `unsupported output item type ${quote(String(item.type))}`);
    if (typeof item.call_id !== 'string') failAt(childPath(path, 'call_id'), 'must be a string');
    const args = parseArguments(item.arguments, childPath(path, 'arguments'));
    calls.push({ id: item.call_id, name: item.name, args, path, namePath: 'name' });
  });
  if (calls.length === 0) failAt(base || '(root)', 'holds no `function_call` item');
  return calls;
}
