-- Append-only, hash-chained audit log. Each chain (a task, or `tenant:<tenant>`) is numbered from 1;
-- hash = chainHash(prev_hash, chain_seq, event) as defined in governance/audit/chain.ts.

CREATE TABLE audit_events (
  seq bigserial PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  tenant text NOT NULL,
  chain_id text NOT NULL,
  chain_seq integer NOT NULL CHECK (chain_seq >= 1),
  prev_hash text NOT NULL,
  hash text NOT NULL,
  event_type text NOT NULL,
  task_id text,
  event jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- INVARIANT: a chain never forks: one event per position.
  UNIQUE (chain_id, chain_seq)
);
CREATE INDEX audit_events_tenant_idx ON audit_events (tenant, seq);
CREATE INDEX audit_events_task_idx ON audit_events (task_id, seq) WHERE task_id IS NOT NULL;

CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
