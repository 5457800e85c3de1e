/**
 * @module The default policy pack a new install uses. The only I/O of the policy engine: it reads
 * policies/default.cedar and compiles it; everything else in governance/ is pure.
 */
// eslint-disable-next-line no-restricted-imports -- why: this loader is the one place allowed to read policy files
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compilePolicySet, failClosedPolicySet } from './compile.js';
import type { CompiledPolicySet, PolicyError } from './types.js';

export const DEFAULT_POLICY_PATH = fileURLToPath(new URL('../../policies/default.cedar', import.meta.url));
export const POLICY_SCHEMA_PATH = fileURLToPath(new URL('../../policies/schema.cedarschema', import.meta.url));

export interface DefaultPolicyPack {
  /** The Cedar text as published (store it with the version). */
  text: string;
  version: string;
  /** Ready, or fail-closed (denies everything) when the pack does not compile. */
  policySet: CompiledPolicySet;
  errors: PolicyError[];
  warnings: PolicyError[];
}

/** Read and compile policies/default.cedar. Never throws on a bad pack: it fails closed and reports why. */
export function loadDefaultPolicyPack(path: string = DEFAULT_POLICY_PATH): DefaultPolicyPack {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const error: PolicyError = { code: 'PARSE', message: `cannot read policy pack \`${path}\`: ${(e as Error).message}`, line: 1, column: 1 };
    return { text: '', version: 'ps_unreadable', policySet: failClosedPolicySet('ps_unreadable', [error]), errors: [error], warnings: [] };
  }
  const result = compilePolicySet(text);
  if (result.ok) return { text, version: result.policySet.version, policySet: result.policySet, errors: [], warnings: result.warnings };
  return { text, version: result.version, policySet: failClosedPolicySet(result.version, result.errors), errors: result.errors, warnings: [] };
}
