/** @module explainDecision: one paragraph a person can read, saying why a step was allowed, denied or held. */
import type { Decision, DecisionReason, RiskAssessment } from '../types.js';

const LEAD: Record<Decision, string> = { ALLOW: 'Allowed', DENY: 'Denied', REQUIRE_APPROVAL: 'Held for approval' };
const NO_REASON: Record<Decision, string> = {
  ALLOW: 'no rule objected',
  DENY: 'no rule permitted it, and the default is to deny',
  REQUIRE_APPROVAL: 'a person must confirm it before it runs',
};
const MAX_FACTORS = 3;

function reasonText(r: DecisionReason): string {
  const message = r.message.replace(/[.\s]+$/, '');
  return r.policyId ? `${message} (policy \`${r.policyId}\`)` : message;
}

function riskText(risk: RiskAssessment): string {
  const head = `Risk is ${risk.level} (${risk.score}/100)`;
  if (risk.factors.length === 0) return `${head}: no risk factors were found.`;
  const top = [...risk.factors].sort((a, b) => b.weight - a.weight || a.code.localeCompare(b.code)).slice(0, MAX_FACTORS);
  const more = risk.factors.length - top.length;
  const tail = more > 0 ? `; and ${more} more factor${more === 1 ? '' : 's'}` : '';
  return `${head}: ${top.map((f) => f.explanation).join('; ')}${tail}.`;
}

/** Why a step was allowed, denied or escalated, with its main risk factors, as one paragraph. */
export function explainDecision(decision: Decision, reasons: readonly DecisionReason[], risk: RiskAssessment): string {
  const why = reasons.length > 0 ? reasons.map(reasonText).join('; ') : NO_REASON[decision];
  return `${LEAD[decision]}: ${why}. ${riskText(risk)}`;
}
