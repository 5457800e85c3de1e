/**
 * @module assessRisk: a 0–100 score from plain-word factors. The score is the sum of factor weights,
 * capped at 100; every weight is non-negative and every factor only switches on (or grows) as its
 * signal grows, so adding a risk signal never lowers the score.
 */
import { z } from 'zod';
import { parseOrFail } from '../../lib/validation.js';
import type { RiskAssessment, RiskFactor, RiskLevel } from '../types.js';
import { contextFactors, injectionFactors, taintFactors, toolFactors, type RiskInput } from './factors.js';

const RiskInputScalarsSchema = z.object({
  delegationDepth: z.number().int().min(0).max(1000),
  budget: z.object({ fractionUsed: z.number().min(0).max(1e6) }).optional(),
  unknownTool: z.boolean().optional(),
  injectionSignals: z.array(z.object({ code: z.string().min(1), excerpt: z.string(), index: z.number().int().min(0), weight: z.number().min(0).max(100), path: z.string().optional() })),
  provenance: z.object({ tainted: z.boolean(), taintSources: z.array(z.string()), args: z.record(z.string(), z.object({ trust: z.string(), effectiveTrust: z.string() }).loose()) }).loose(),
});

/** low < 25 ≤ medium < 50 ≤ high < 75 ≤ critical. */
export function riskLevelFor(score: number): RiskLevel {
  if (score >= 75) return 'critical';
  if (score >= 50) return 'high';
  if (score >= 25) return 'medium';
  return 'low';
}

/** Score the risk of one step. Deterministic: the same input gives the same factors in the same order. */
export function assessRisk(input: RiskInput): RiskAssessment {
  parseOrFail(RiskInputScalarsSchema, input, 'risk input');
  return scoreRisk(input);
}

/**
 * assessRisk without validating its input. why: assessStep builds this input from values it has
 * just computed (provenance, injection signals) and checks the rest itself; running zod on them
 * again on every decision was a tenth of its cost. Callers with outside input use assessRisk.
 */
export function scoreRisk(input: RiskInput): RiskAssessment {
  const factors: RiskFactor[] = [...toolFactors(input), ...taintFactors(input), ...injectionFactors(input), ...contextFactors(input)];
  const score = Math.min(100, Math.round(factors.reduce((sum, f) => sum + f.weight, 0)));
  return { score, level: riskLevelFor(score), factors };
}
