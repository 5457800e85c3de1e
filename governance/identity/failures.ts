/** @module Why a credential was refused: stable codes, one-sentence messages. */
export const VERIFY_FAILURE_CODES = [
  'MISSING', 'MALFORMED', 'ALG_NOT_ALLOWED', 'UNKNOWN_KID', 'BAD_SIGNATURE', 'EXPIRED', 'NOT_YET_VALID',
  'WRONG_AUDIENCE', 'WRONG_ISSUER', 'WRONG_TENANT', 'REVOKED', 'CLAIMS_INVALID',
] as const;
export type VerifyFailureCode = (typeof VERIFY_FAILURE_CODES)[number];

export interface VerifyFailure {
  code: VerifyFailureCode;
  message: string;
}

export const failure = (code: VerifyFailureCode, message: string): VerifyFailure => ({ code, message });

/** Map a jose verification error to a failure; anything unrecognised counts as malformed (fail closed). */
export function joseFailure(e: unknown): VerifyFailure {
  // why: branch on jose's stable `code`, not on instanceof (see lib/errors.ts).
  const { code, claim, reason } = (typeof e === 'object' && e !== null ? e : {}) as { code?: unknown; claim?: unknown; reason?: unknown };
  switch (code) {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED': return failure('BAD_SIGNATURE', 'credential signature does not verify');
    case 'ERR_JWT_EXPIRED': return failure('EXPIRED', 'credential has expired');
    case 'ERR_JOSE_ALG_NOT_ALLOWED': return failure('ALG_NOT_ALLOWED', 'credential algorithm is not allowed');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': return claimFailure(String(claim), String(reason));
    default: return failure('MALFORMED', 'credential could not be parsed as a signed JWT');
  }
}

function claimFailure(claim: string, reason: string): VerifyFailure {
  if (claim === 'nbf' && reason === 'check_failed') return failure('NOT_YET_VALID', 'credential is not valid yet');
  if (claim === 'aud') return failure('WRONG_AUDIENCE', 'credential was issued for another audience');
  if (claim === 'iss') return failure('WRONG_ISSUER', 'credential was issued by another issuer');
  if (claim === 'typ') return failure('MALFORMED', 'credential type is not `agent+jwt`');
  return failure('CLAIMS_INVALID', `credential claim \`${claim}\` is ${reason === 'missing' ? 'missing' : 'invalid'}`);
}
