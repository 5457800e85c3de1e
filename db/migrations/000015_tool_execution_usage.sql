-- What a tool execution cost (costUsd, tokens, wallTimeMs), kept with its outcome: an attempt that
-- finds the outcome already recorded (a retry, or a local activity run again after its worker died)
-- settles the budget with the usage the tool reported, not an estimate.
ALTER TABLE tool_executions ADD COLUMN usage jsonb;
