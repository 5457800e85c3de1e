/** @module extractPlan: any supported agent output → a validated ExecutionPlan with explicit provenance. */
import { z } from 'zod';
import { digestJson } from '../../lib/canonical-json.js';
import { isInterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';
import { ExecutionPlanSchema, PLAN_FORMATS, ProvenanceSchema, type ExecutionPlan, type PlanFormat, type Provenance } from '../types.js';
import { ancestorsOf, validateGraph } from './dag.js';
import { anthropicCalls } from './formats/anthropic.js';
import { mcpCalls } from './formats/mcp.js';
import { nativeDraft, type NativeDraft } from './formats/native.js';
import { openAiChatCalls, openAiResponsesCalls } from './formats/openai.js';
import { textCandidate } from './formats/text.js';
import { childPath, fail, failAt, lineColumn } from './issues.js';
import { PLAN_LIMITS, assertArgsDepth, assertPayloadSize, assertStepCount, utf8Length } from './limits.js';
import { AGENT_PROVENANCE, assignProvenance } from './references.js';
import { JsonSyntaxError, parseJsonDocument } from './strict-json.js';
import { stepsFromToolCalls, type DraftStep } from './tool-calls.js';

const ExtractPlanInputSchema = z.strictObject({
  format: z.enum(PLAN_FORMATS),
  payload: z.unknown(),
  goal: z.string().max(4000).optional(),
  defaults: z.strictObject({ provenance: ProvenanceSchema.optional() }).optional(),
});

export interface ExtractPlanInput {
  format: PlanFormat;
  /** The agent's output: a JSON value, or a JSON string (for `text`, the free text). */
  payload: unknown;
  /** Goal to record when the payload carries none. */
  goal?: string;
  /** Provenance of arguments that neither declare one nor reference a step (default: agent, internal). */
  defaults?: { provenance?: z.input<typeof ProvenanceSchema> };
}

/** A JSON string payload is parsed strictly (duplicate keys rejected, errors at `line:column`). */
function decodePayload(payload: unknown): unknown {
  if (typeof payload !== 'string') {
    assertPayloadSize(payload);
    return payload;
  }
  // why 4×: pretty-printed JSON may be larger than its canonical form; the exact check follows.
  if (utf8Length(payload) > 4 * PLAN_LIMITS.maxPayloadBytes) failAt('(root)', `payload larger than ${4 * PLAN_LIMITS.maxPayloadBytes} bytes`, { limit: 'maxPayloadBytes' });
  let value: unknown;
  try {
    value = parseJsonDocument(payload, PLAN_LIMITS.maxPayloadDepth);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    failAt(lineColumn(payload, e.index), `invalid JSON: ${e.message}`);
  }
  assertPayloadSize(value);
  return value;
}

function draftOf(format: Exclude<PlanFormat, 'text'>, value: unknown): NativeDraft {
  switch (format) {
    case 'native':
      return nativeDraft(value);
    case 'openai_chat':
      return { steps: stepsFromToolCalls(openAiChatCalls(value)) };
    case 'openai_responses':
      return { steps: stepsFromToolCalls(openAiResponsesCalls(value)) };
    case 'anthropic':
      return { steps: stepsFromToolCalls(anthropicCalls(value)) };
    case 'mcp':
      return { steps: stepsFromToolCalls(mcpCalls(value)) };
  }
}

/** Text: find the one candidate, then read it in its own format; issue paths gain its position. */
function draftFromText(payload: unknown): NativeDraft {
  if (typeof payload !== 'string') failAt('(root)', 'must be a string for format `text`');
  const bytes = utf8Length(payload);
  if (bytes > PLAN_LIMITS.maxPayloadBytes) failAt('(root)', `text is ${bytes} bytes, more than the limit of ${PLAN_LIMITS.maxPayloadBytes}`, { limit: 'maxPayloadBytes', bytes });
  const candidate = textCandidate(payload);
  try {
    return draftOf(candidate.format, candidate.value);
  } catch (e) {
    if (!isInterceptorError(e)) throw e;
    const at = (p: string): string => (p === '(root)' ? candidate.position : `${candidate.position}/${p}`);
    return fail(e.issues.map((i) => ({ path: at(i.path), message: i.message })), { ...e.details, format: candidate.format });
  }
}

/** Every declared `derivedFrom` must name a step this one (transitively) depends on. */
function assertDerivationsAreAncestors(steps: DraftStep[]): void {
  for (const step of steps) {
    let ancestors: Set<string> | undefined; // computed only when a derivation is not a direct dependency
    for (const [name, p] of Object.entries(step.provenance)) {
      const bad = p.derivedFrom.find((d) => !step.dependsOn.includes(d) && !(ancestors ??= ancestorsOf(steps, step.stepId)).has(d));
      const path = childPath(childPath(childPath(step.path, 'provenance'), name), 'derivedFrom');
      if (bad !== undefined) failAt(path, `names step \`${bad}\`, which this step does not depend on`);
    }
  }
}

function finish(draft: NativeDraft, goal: string | undefined, fallback: Provenance): ExecutionPlan {
  assertStepCount(draft.steps.length, 'steps');
  for (const s of draft.steps) assertArgsDepth(s.args, childPath(s.path, 'args'));
  validateGraph(draft.steps);
  const withProvenance = assignProvenance(draft.steps, fallback);
  assertDerivationsAreAncestors(withProvenance);
  const steps = withProvenance.map(({ path: _path, ...step }) => step);
  const plan = { planId: draft.planId ?? `plan_${digestJson(steps).slice(0, 16)}`, goal: draft.goal ?? goal ?? '', steps };
  // INVARIANT: every part was validated above; this parse pins the output to the shared schema.
  return parseOrFail(ExecutionPlanSchema, plan, 'plan');
}

/**
 * Extract an ExecutionPlan from agent output in any supported format. Throws InterceptorError
 * BAD_USER_INPUT whose issues name the field path (or `line:column` in text) of each problem.
 */
export function extractPlan(input: ExtractPlanInput): ExecutionPlan {
  const req = parseOrFail(ExtractPlanInputSchema, input, 'extractPlan input');
  const draft = req.format === 'text' ? draftFromText(req.payload) : draftOf(req.format, decodePayload(req.payload));
  return finish(draft, req.goal, req.defaults?.provenance ?? AGENT_PROVENANCE);
}
