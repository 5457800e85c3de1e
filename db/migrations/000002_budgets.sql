-- Budgets: limits per scope and window, usage counters per (budget, window, subject) and one
-- reservation row per idempotency key.

CREATE TABLE budgets (
  id text PRIMARY KEY,
  tenant text NOT NULL,
  scope text NOT NULL CHECK (scope IN ('tenant', 'agent', 'task')),
  -- NULL: the limit applies to every agent (or task) separately; otherwise to that one.
  scope_ref text,
  metric text NOT NULL CHECK (metric IN ('cost_usd', 'tool_calls', 'tokens', 'wall_time_ms')),
  time_window text NOT NULL CHECK (time_window IN ('task', 'day', 'month')),
  limit_value numeric(24, 6) NOT NULL CHECK (limit_value >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (scope <> 'tenant' OR scope_ref IS NULL)
);
CREATE UNIQUE INDEX budgets_natural_key ON budgets (tenant, scope, coalesce(scope_ref, ''), metric, time_window);

CREATE TABLE budget_usage (
  budget_id text NOT NULL REFERENCES budgets (id) ON DELETE CASCADE,
  window_key text NOT NULL,
  -- The tenant, agent or task the counter belongs to.
  subject text NOT NULL,
  used numeric(24, 6) NOT NULL DEFAULT 0 CHECK (used >= 0),
  reserved numeric(24, 6) NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (budget_id, window_key, subject)
);

CREATE TABLE budget_reservations (
  key text PRIMARY KEY,
  tenant text NOT NULL,
  agent_id text NOT NULL,
  task_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('RESERVED', 'REFUSED', 'SETTLED', 'RELEASED')),
  amounts jsonb NOT NULL,
  -- The counters this reservation holds: [{ budgetId, windowKey, subject, metric, amount }].
  lines jsonb NOT NULL DEFAULT '[]',
  reserve_result jsonb,
  settle_result jsonb,
  release_result jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX budget_reservations_task_idx ON budget_reservations (task_id);
