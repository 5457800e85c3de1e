/** @module Pure rules that turn step states into a task outcome and a task risk level. */
import type { RiskLevel } from '../governance/types.js';
import type { StepView, TaskOutcome } from './contract.js';

const LEVELS: RiskLevel[] = ['low', 'medium', 'high', 'critical'];

/**
 * COMPLETED: every step executed. FAILED: a tool failed. BLOCKED: nothing executed and something was
 * denied or skipped. PARTIALLY_BLOCKED: some executed, some did not.
 */
export function taskOutcome(steps: readonly StepView[]): TaskOutcome {
  if (steps.some((s) => s.state === 'FAILED')) return 'FAILED';
  const executed = steps.filter((s) => s.state === 'EXECUTED').length;
  if (executed === steps.length) return 'COMPLETED';
  return executed === 0 ? 'BLOCKED' : 'PARTIALLY_BLOCKED';
}

/** The highest step risk level, or undefined when no step was assessed. */
export function riskLevelOf(steps: readonly StepView[]): RiskLevel | undefined {
  let max = -1;
  for (const s of steps) if (s.risk) max = Math.max(max, LEVELS.indexOf(s.risk.level));
  return max < 0 ? undefined : LEVELS[max];
}
