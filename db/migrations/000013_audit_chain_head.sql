-- One round trip where an append took two: take the chain's lock, then read its head and the events
-- already stored under the given ids. Inside a VOLATILE plpgsql function each statement takes a new
-- snapshot, so the read after the lock sees every append that committed before the lock was granted
-- (in a single SQL statement the snapshot would predate the lock wait).
CREATE FUNCTION audit_chain_head_locked(p_chain text, p_ids text[])
RETURNS TABLE (head_seq integer, head_hash text, seq bigint, event_id text, tenant text, chain_id text, chain_seq integer,
               prev_hash text, hash text, event jsonb, created_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || p_chain, 0));
  RETURN QUERY
    SELECT h.chain_seq, h.hash, e.seq, e.event_id, e.tenant, e.chain_id, e.chain_seq, e.prev_hash, e.hash, e.event, e.created_at
      FROM (SELECT a.chain_seq, a.hash FROM audit_events a WHERE a.chain_id = p_chain ORDER BY a.chain_seq DESC LIMIT 1) h
      FULL JOIN (SELECT a.seq, a.event_id, a.tenant, a.chain_id, a.chain_seq, a.prev_hash, a.hash, a.event, a.created_at
                   FROM audit_events a WHERE a.event_id = ANY (p_ids)) e ON true;
END $$;
