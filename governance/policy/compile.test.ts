import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compilePolicySet, normalisePolicyText, policySetVersion, POLICY_SCHEMA } from './index.js';
import type { PolicyError } from './types.js';
import { forbidToPermit } from './effect.js';
import { lineColumnAtByte } from './positions.js';

const errorsOf = (text: string): PolicyError[] => {
  const r = compilePolicySet(text);
  if (r.ok) throw new Error('expected compile errors');
  return r.errors;
};
const brief = (errors: PolicyError[]): string[] => errors.map((e) => `${e.code} ${e.policyId ?? '-'} ${e.line}:${e.column}`);

describe('compilePolicySet', () => {
  it('reads ids, effects, approval marks and reasons', () => {
    const r = compilePolicySet(`@id("p") @reason("holders may call") permit (principal, action, resource);
@id("g")
@decision("require_approval")
forbid (principal, action, resource);`);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.policySet.policies).toEqual([
      { id: 'p', effect: 'permit', approval: false, reason: 'holders may call', line: 1 },
      { id: 'g', effect: 'forbid', approval: true, line: 2 },
    ]);
    expect(r.policySet.version).toMatch(/^ps_[0-9a-f]{64}$/);
  });

  it('reports a syntax error with line and column (in characters, after non-ASCII text)', () => {
    const errors = errorsOf('// ünïcödé comment\n@id("x") permit (principal, action, resource) when { 1 + };');
    expect(brief(errors)).toEqual(['PARSE - 2:58']);
    expect(errors[0]?.message).toBe('unexpected token `}`');
  });

  it('reports schema violations at the offending expression, named by policy id', () => {
    const errors = errorsOf(`@id("ok") permit (principal, action, resource);\n@id("typo") forbid (principal, action == Action::"call_tool", resource) when {\n  context.taintd\n};`);
    expect(brief(errors)).toEqual(['VALIDATION typo 3:3']);
    expect(errors[0]?.message).toBe('policy `typo`: attribute `taintd` in context for Action::"call_tool" not found');
    expect(errors[0]?.help).toContain('tainted');
  });

  it('rejects a policy without @id, a malformed id and a duplicate id', () => {
    expect(brief(errorsOf('permit (principal, action, resource);'))).toEqual(['MISSING_ID - 1:1']);
    expect(brief(errorsOf('@id("has space") permit (principal, action, resource);'))).toEqual(['INVALID_ID - 1:1']);
    const dup = errorsOf('@id("a") permit (principal, action, resource);\n\n@id("a") forbid (principal, action, resource);');
    expect(brief(dup)).toEqual(['DUPLICATE_ID a 3:1']);
    expect(dup[0]?.message).toBe('policy id `a` is already used on line 1');
  });

  it('rejects an unknown @decision value instead of treating the permit as plain', () => {
    const errors = errorsOf('@id("a") @decision("require-approval") permit (principal, action, resource);');
    expect(brief(errors)).toEqual(['INVALID_ANNOTATION a 1:1']);
  });

  it('rejects templates', () => {
    expect(errorsOf('@id("t") permit (principal == ?principal, action, resource);').map((e) => e.code)).toEqual(['TEMPLATE_UNSUPPORTED']);
  });

  it('keeps Long literals exact (no JavaScript number rounding)', () => {
    const r = compilePolicySet('@id("big") permit (principal, action == Action::"call_tool", resource) when { context.risk.score < 9007199254740993 };');
    expect(r.ok).toBe(true);
  });

  it('reports a broken schema as a schema error', () => {
    const r = compilePolicySet('@id("a") permit (principal, action, resource);', { schema: 'entity A = {' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.code).toBe('SCHEMA');
  });

  it('checks syntax only when the schema is turned off', () => {
    expect(compilePolicySet('@id("a") permit (principal, action, resource) when { context.anything };', { schema: false }).ok).toBe(true);
  });

  it('names a version by content: formatting noise does not change it, content does', () => {
    const a = '@id("a") permit (principal, action, resource);\n';
    expect(policySetVersion('@id("a") permit (principal, action, resource);   \r\n\r\n')).toBe(policySetVersion(a));
    expect(policySetVersion(a.replace('permit', 'forbid'))).not.toBe(policySetVersion(a));
    expect(normalisePolicyText('x  \r\ny\t\n\n')).toBe('x\ny\n');
  });
});

describe('forbidToPermit', () => {
  it.each([
    ['forbid (principal, action, resource);', 'permit (principal, action, resource);'],
    ['@id("a")\n// forbid in a comment\n@reason("say \\"forbid\\" (x)")  forbid(principal, action, resource);', '@id("a")\n// forbid in a comment\n@reason("say \\"forbid\\" (x)")  permit(principal, action, resource);'],
    ['@flag forbid (principal, action, resource);', '@flag permit (principal, action, resource);'],
  ])('rewrites only the effect keyword of %j', (input, output) => {
    expect(forbidToPermit(input)).toBe(output);
  });
  it('refuses text whose effect is not forbid', () => {
    expect(forbidToPermit('@id("a") permit (principal, action, resource);')).toBeUndefined();
  });
});

describe('schema', () => {
  it('policies/schema.cedarschema is the schema the engine validates with', () => {
    expect(readFileSync(new URL('../../policies/schema.cedarschema', import.meta.url), 'utf8')).toBe(POLICY_SCHEMA);
  });
  it('converts UTF-8 byte offsets to character columns', () => {
    expect(lineColumnAtByte('é\nab😀c', 3 + 2 + 4)).toEqual({ line: 2, column: 4 });
  });
});
