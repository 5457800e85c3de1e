/**
 * @module Compile a Cedar policy set at publish time: parse, check annotations, validate against
 * the schema, and preparse it for fast evaluation. Errors carry line and column.
 */
import { z } from 'zod';
import { sha256Hex } from '../../lib/canonical-json.js';
import { parseOrFail } from '../../lib/validation.js';
import { readAnnotations } from './annotations.js';
import { cedar, type DetailedError, type PolicyJson } from './cedar.js';
import { forbidToPermit } from './effect.js';
import { NativeAuthorizer } from './native/index.js';
import { lineColumnAtByte, lineColumnAtChar } from './positions.js';
import { ensurePreparsed } from './preparsed.js';
import { requestShapeOf } from './references.js';
import { SliceIndex, scopeOf } from './slices.js';
import { POLICY_SCHEMA } from './schema.js';
import type { CompileOptions, CompileResult, CompiledPolicySet, PolicyError, PolicyErrorCode, PolicyMeta } from './types.js';

export const MAX_POLICY_TEXT = 1_000_000;

interface ParsedPolicy {
  meta: PolicyMeta;
  /** The policy's own text, as Cedar split it out of the set. */
  text: string;
  /** For analysis only (scope, attributes read): Long literals in it may be rounded. */
  json: PolicyJson;
}

/** Line endings to `\n`, no trailing whitespace: two texts that differ only there get one version. */
export function normalisePolicyText(text: string): string {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  return `${lines.map((l) => l.trimEnd()).join('\n').trimEnd()}\n`;
}

/** The content hash that names a policy set version: `ps_` + SHA-256 of the normalised text. */
export function policySetVersion(text: string): string {
  return `ps_${sha256Hex(normalisePolicyText(text))}`;
}

/** Parse, check and validate a policy set; never throws for a bad policy (only for a non-string). */
export function compilePolicySet(text: string, opts: CompileOptions = {}): CompileResult {
  const source = normalisePolicyText(parseOrFail(z.string(), text, 'policy set text'));
  const version = `ps_${sha256Hex(source)}`;
  if (source.length > MAX_POLICY_TEXT) {
    return { ok: false, version, errors: [{ code: 'TOO_LARGE', message: `policy set text is longer than ${MAX_POLICY_TEXT} characters`, line: 1, column: 1 }] };
  }
  const parsed = parsePolicies(source);
  if (!Array.isArray(parsed)) return { ok: false, version, errors: parsed.errors };
  const schema = opts.schema === undefined ? POLICY_SCHEMA : opts.schema;
  const checked = schema === false ? { errors: [], warnings: [] } : validateAgainstSchema(source, schema, parsed);
  if (checked.errors.length > 0) return { ok: false, version, errors: checked.errors };
  const policySet = buildPolicySet(version, source, parsed);
  if (Array.isArray(policySet)) return { ok: false, version, errors: policySet };
  const preparse = ensurePreparsed(policySet.version, policySet.cedar);
  if (preparse.length > 0) {
    return { ok: false, version, errors: preparse.map((message) => ({ code: 'PARSE', message, line: 1, column: 1 })) };
  }
  return { ok: true, policySet, warnings: checked.warnings };
}

/** Compile, or fall back to a set that denies everything and says why: for loading stored sets. */
export function loadPolicySet(text: string, opts: CompileOptions = {}): CompiledPolicySet {
  const result = compilePolicySet(text, opts);
  return result.ok ? result.policySet : failClosedPolicySet(result.version, result.errors);
}

/** A policy set that denies every request, reporting `errors` in each decision's diagnostics. */
export function failClosedPolicySet(version: string, errors: readonly PolicyError[]): CompiledPolicySet {
  const shape = { contextKeys: new Set<string>(), contextFields: new Map(), attributes: new Set<string>(), usesHierarchy: false, capabilityProbes: 'all' as const, toolCache: new WeakMap() };
  return { version, status: 'invalid', text: '', policies: [], loadErrors: [...errors], cedar: {}, byId: new Map(), shape, slices: new SliceIndex(version, []) };
}

function parsePolicies(source: string): ParsedPolicy[] | { errors: PolicyError[] } {
  const parts = cedar.policySetTextToParts(source);
  if (parts.type === 'failure') return { errors: parts.errors.map((e) => fromCedarError('PARSE', e, source)) };
  const errors: PolicyError[] = parts.policy_templates.map((t) => ({
    code: 'TEMPLATE_UNSUPPORTED' as const,
    message: 'policy templates (`?principal`, `?resource` slots) are not supported',
    ...lineColumnAtChar(source, Math.max(0, source.indexOf(t))),
  }));
  const policies: ParsedPolicy[] = [];
  let cursor = 0;
  for (const part of parts.policies) {
    const at = source.indexOf(part, cursor);
    cursor = at === -1 ? cursor : at + part.length;
    const one = parseOne(part, lineColumnAtChar(source, at === -1 ? 0 : at));
    if (Array.isArray(one)) errors.push(...one);
    else policies.push(one);
  }
  errors.push(...duplicateIds(policies));
  return errors.length > 0 ? { errors } : policies;
}

function parseOne(part: string, where: { line: number; column: number }): ParsedPolicy | PolicyError[] {
  const json = cedar.policyToJson(part);
  if (json.type === 'failure') return json.errors.map((e) => ({ code: 'PARSE', message: e.message, ...where }));
  const ann = readAnnotations(json.json.annotations, where);
  if (Array.isArray(ann)) return ann;
  const meta: PolicyMeta = { id: ann.id, effect: json.json.effect, approval: ann.approval, line: where.line };
  if (ann.reason !== undefined) meta.reason = ann.reason;
  return { meta, text: part, json: json.json };
}

function duplicateIds(policies: readonly ParsedPolicy[]): PolicyError[] {
  const firstLine = new Map<string, number>();
  const errors: PolicyError[] = [];
  for (const { meta } of policies) {
    const first = firstLine.get(meta.id);
    if (first === undefined) firstLine.set(meta.id, meta.line);
    else errors.push({ code: 'DUPLICATE_ID', message: `policy id \`${meta.id}\` is already used on line ${first}`, line: meta.line, column: 1, policyId: meta.id });
  }
  return errors;
}

function validateAgainstSchema(source: string, schema: string, parsed: readonly ParsedPolicy[]): { errors: PolicyError[]; warnings: PolicyError[] } {
  const answer = cedar.validate({ schema, policies: { staticPolicies: source }, validationSettings: { mode: 'strict' } });
  if (answer.type === 'failure') {
    // why: the schema, not the policies, is broken; positions would point into the schema text
    return { errors: answer.errors.map((e) => ({ ...fromCedarError('SCHEMA', e, schema), message: `schema: ${e.message}` })), warnings: [] };
  }
  // INVARIANT: Cedar names policies of a text `policy0`, `policy1`, ... in source order, as policySetTextToParts lists them
  const idOf = (cedarId: string): string => parsed[Number(cedarId.replace(/^policy/, ''))]?.meta.id ?? cedarId;
  const convert = (v: { policyId: string; error: DetailedError }): PolicyError => {
    const id = idOf(v.policyId);
    const message = v.error.message.replace(/^for policy `[^`]*`, /, '').replaceAll(`\`${v.policyId}\``, `\`${id}\``);
    return { ...fromCedarError('VALIDATION', v.error, source), message: `policy \`${id}\`: ${message}`, policyId: id };
  };
  return { errors: onePerPlace(answer.validationErrors.map(convert)), warnings: onePerPlace(answer.validationWarnings.map(convert)) };
}

/** why: Cedar reports one error per action a policy may apply to; the author needs one per place. */
function onePerPlace(errors: PolicyError[]): PolicyError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.policyId ?? ''}:${e.line}:${e.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function fromCedarError(code: PolicyErrorCode, e: DetailedError, text: string): PolicyError {
  const start = e.sourceLocations?.[0]?.start ?? 0;
  const label = e.sourceLocations?.[0]?.label;
  const help = [label, e.help].filter((h): h is string => typeof h === 'string' && h !== '').join('; ');
  return { code, message: e.message, ...lineColumnAtByte(text, start), ...(help === '' ? {} : { help }) };
}

function buildPolicySet(version: string, source: string, parsed: readonly ParsedPolicy[]): CompiledPolicySet | PolicyError[] {
  const cedarPolicies: Record<string, string> = {};
  const byId = new Map<string, PolicyMeta & { order: number }>();
  const errors: PolicyError[] = [];
  parsed.forEach(({ meta, text }, order) => {
    // why: an approval forbid becomes a permit inside Cedar so that its satisfaction shows up in
    // the reasons of an allow; evaluate() turns it back into "held for approval", never into an allow
    const cedarText = meta.effect === 'forbid' && meta.approval ? forbidToPermit(text) : text;
    if (cedarText === undefined) errors.push({ code: 'PARSE', message: `cannot locate the effect of approval policy \`${meta.id}\``, line: meta.line, column: 1, policyId: meta.id });
    else cedarPolicies[meta.id] = cedarText;
    byId.set(meta.id, { ...meta, order });
  });
  if (errors.length > 0) return errors;
  const shape = { ...requestShapeOf(parsed.map((p) => p.json)), toolCache: new WeakMap() };
  const slices = new SliceIndex(version, parsed.map((p) => scopeOf(p.meta.id, p.json)));
  const base = { version, status: 'ready' as const, text: source, policies: parsed.map((p) => p.meta), loadErrors: [], cedar: cedarPolicies, byId, shape, slices };
  // why the Cedar effect: approval forbids run as permits inside Cedar (see above), and the native
  // authorizer must see exactly what Cedar sees so that both give the same determining policies
  const native = NativeAuthorizer.compile(parsed.map(({ meta, json }) => ({ id: meta.id, effect: meta.effect === 'forbid' && meta.approval ? 'permit' : meta.effect, json })), cedarPolicies);
  if (native instanceof NativeAuthorizer) return { ...base, native };
  return { ...base, nativeUnsupported: `policy \`${native.policyId}\`: ${native.unsupported}` };
}
