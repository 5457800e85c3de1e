/** @module Budget vocabulary: what is limited, for whom, over which window. Pure data. */
import { z } from 'zod';

export const BUDGET_METRICS = ['cost_usd', 'tool_calls', 'tokens', 'wall_time_ms'] as const;
export type BudgetMetric = (typeof BUDGET_METRICS)[number];

/** Who a limit counts against: the whole tenant, one agent (or each agent), one task (or each task). */
export const BUDGET_SCOPES = ['tenant', 'agent', 'task'] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];

export const BUDGET_WINDOWS = ['task', 'day', 'month'] as const;
export type BudgetWindow = (typeof BUDGET_WINDOWS)[number];

const amount = z.number().finite().min(0);
export const BudgetAmountsSchema = z.strictObject({
  cost_usd: amount.optional(),
  tool_calls: amount.optional(),
  tokens: amount.optional(),
  wall_time_ms: amount.optional(),
});
export type BudgetAmounts = z.infer<typeof BudgetAmountsSchema>;

export interface BudgetLimit {
  id: string;
  tenant: string;
  scope: BudgetScope;
  /** A specific agent or task id; null means the limit applies to each one separately. */
  scopeRef: string | null;
  metric: BudgetMetric;
  window: BudgetWindow;
  limit: number;
}

/** The usage a reservation is about: who spends, on what, when. */
export interface BudgetSubject {
  tenant: string;
  agentId: string;
  taskId: string;
}

/** One counter a reservation holds: `amount` of `metric` on the budget's (window, subject) counter. */
export interface ReservationLine {
  budgetId: string;
  windowKey: string;
  subject: string;
  metric: BudgetMetric;
  amount: number;
  limit: number;
}

/** Which budget refused a reservation, and by how much. */
export interface BudgetExceeded {
  budgetId: string;
  scope: BudgetScope;
  scopeRef: string | null;
  metric: BudgetMetric;
  window: BudgetWindow;
  windowKey: string;
  subject: string;
  limit: number;
  used: number;
  reserved: number;
  requested: number;
}
