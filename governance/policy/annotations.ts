/** @module Policy annotations the engine understands: `@id` (required), `@decision`, `@reason`. */
import type { PolicyError } from './types.js';

const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
const MAX_REASON = 1000;

export interface PolicyAnnotations {
  id: string;
  approval: boolean;
  reason?: string;
}

type Located = Pick<PolicyError, 'line' | 'column'>;

/** Read and check the annotations of one policy; `where` locates it for error messages. */
export function readAnnotations(annotations: Record<string, string> | undefined, where: Located): PolicyAnnotations | PolicyError[] {
  const a = annotations ?? {};
  const errors: PolicyError[] = [];
  const id = a['id'];
  if (id === undefined) {
    errors.push({ code: 'MISSING_ID', message: 'policy has no `@id("...")` annotation', ...where, help: 'every policy needs a unique id, e.g. @id("deny-tainted-email")' });
  } else if (!ID_PATTERN.test(id)) {
    errors.push({ code: 'INVALID_ID', message: `policy id \`${id}\` must be 1 to 128 letters, digits, \`_\`, \`.\`, \`:\` or \`-\``, ...where });
  }
  const decision = a['decision'];
  if (decision !== undefined && decision !== 'require_approval') {
    // why: a typo must not silently turn an approval permit into a plain permit
    errors.push({ code: 'INVALID_ANNOTATION', message: `\`@decision("${decision}")\` is not supported: the only value is \`require_approval\``, ...where, ...(id ? { policyId: id } : {}) });
  }
  const reason = a['reason'];
  if (reason !== undefined && (reason.trim() === '' || reason.length > MAX_REASON)) {
    errors.push({ code: 'INVALID_ANNOTATION', message: `\`@reason\` must be 1 to ${MAX_REASON} characters`, ...where, ...(id ? { policyId: id } : {}) });
  }
  if (errors.length > 0 || id === undefined) return errors;
  return { id, approval: decision === 'require_approval', ...(reason === undefined ? {} : { reason }) };
}
