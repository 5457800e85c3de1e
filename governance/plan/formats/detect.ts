/** @module Recognising which plan format a JSON value is, by its shape alone. */
import type { PlanFormat } from '../../types.js';
import { isRecord } from '../tool-calls.js';

type Shape = Exclude<PlanFormat, 'text'>;

const hasType = (items: unknown, type: string): boolean =>
  Array.isArray(items) && items.some((i: unknown) => isRecord(i) && i.type === type);

const isMcpRequest = (v: unknown): boolean => isRecord(v) && v.method === 'tools/call';

const SHAPES: ReadonlyArray<[Shape, (v: unknown) => boolean]> = [
  ['native', (v) => isRecord(v) && Array.isArray(v.steps)],
  ['openai_chat', (v) => isRecord(v) && (Array.isArray(v.choices) || Array.isArray(v.tool_calls))],
  ['openai_responses', (v) => isRecord(v) && hasType(v.output, 'function_call')],
  ['anthropic', (v) => isRecord(v) && hasType(v.content, 'tool_use')],
  ['mcp', (v) => isMcpRequest(v) || (Array.isArray(v) && v.length > 0 && v.every(isMcpRequest))],
];

/** Every format whose shape the value has: none means "not a plan", several means ambiguous. */
export function detectShapes(value: unknown): Shape[] {
  return SHAPES.filter(([, test]) => test(value)).map(([format]) => format);
}
