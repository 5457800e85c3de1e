-- The workflow's view of each step (state, determining policies, approval, result digest), kept
-- beside the assessed columns so the API can show a task without asking Temporal.
ALTER TABLE steps ADD COLUMN state text;
ALTER TABLE steps ADD COLUMN view jsonb;
ALTER TABLE tasks ADD COLUMN view jsonb;
