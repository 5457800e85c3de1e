/** @module Cedar validation errors as the editor shows them, from the drift query's BAD_USER_INPUT issues. DOM-free. */
import type { ApiError } from '../api/errors.js';
import type { PolicyValidationError } from '../api/types.js';

/** The drift query reports a draft that does not compile as BAD_USER_INPUT issues `cedar:LINE:COLUMN`. */
export function validationErrorsOf(e: ApiError): PolicyValidationError[] {
  if (e.code !== 'BAD_USER_INPUT') return [];
  return e.issues.flatMap((i) => {
    const m = /^cedar(?::(\d+):(\d+))?$/.exec(i.path);
    return m ? [{ message: i.message, line: m[1] ? Number(m[1]) : null, column: m[2] ? Number(m[2]) : null, policyId: null }] : [];
  });
}
