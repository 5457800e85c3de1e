-- One round trip per audit event when the writer already knows its chain's head (it appended the
-- event before): take the chain's lock, check that the head is still what the writer hashed against,
-- and insert. Anything else (another writer appended meanwhile, the writer's own append was rolled
-- back, the event id is already stored) inserts nothing and returns no row: the writer then takes
-- the locked read of audit_chain_head_locked and appends from the real head. VOLATILE plpgsql, so
-- each statement after the lock sees every append committed before the lock was granted.
CREATE FUNCTION audit_append_after(p_chain text, p_head_seq integer, p_head_hash text, p_hash text, p_event_id text,
                                   p_tenant text, p_event_type text, p_task_id text, p_event jsonb)
RETURNS TABLE (seq bigint, event_id text, tenant text, chain_id text, chain_seq integer, prev_hash text, hash text,
               event jsonb, created_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_seq integer;
  v_hash text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || p_chain, 0));
  SELECT a.chain_seq, a.hash INTO v_seq, v_hash FROM audit_events a WHERE a.chain_id = p_chain ORDER BY a.chain_seq DESC LIMIT 1;
  IF coalesce(v_seq, 0) <> p_head_seq OR (v_seq IS NOT NULL AND v_hash <> p_head_hash) THEN
    RETURN;
  END IF;
  IF EXISTS (SELECT 1 FROM audit_events a WHERE a.event_id = p_event_id) THEN
    RETURN;
  END IF;
  RETURN QUERY
    INSERT INTO audit_events AS a (event_id, tenant, chain_id, chain_seq, prev_hash, hash, event_type, task_id, event)
    VALUES (p_event_id, p_tenant, p_chain, p_head_seq + 1, p_head_hash, p_hash, p_event_type, p_task_id, p_event)
    RETURNING a.seq, a.event_id, a.tenant, a.chain_id, a.chain_seq, a.prev_hash, a.hash, a.event, a.created_at;
END $$;
