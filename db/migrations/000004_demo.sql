-- Sample data for the read-only `run_sql` demo tool, and the sandbox it runs in.
-- Agent-written SQL runs through demo.run_readonly(), a SECURITY DEFINER function owned by the
-- NOLOGIN role interceptor_demo_reader, which may read the demo schema and nothing else. why a
-- security-definer function and not just SET ROLE: inside one, Postgres refuses to change `role` or
-- `session_authorization`, so the query cannot `RESET ROLE` (or set_config('role', 'none')) its way
-- back to the application's own privileges. Callers also run it in a READ ONLY transaction.

CREATE SCHEMA demo;

CREATE TABLE demo.customers (
  id integer PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL,
  tier text NOT NULL,
  country text NOT NULL
);
CREATE TABLE demo.products (
  sku text PRIMARY KEY,
  name text NOT NULL,
  price_usd numeric(10, 2) NOT NULL
);
CREATE TABLE demo.orders (
  id integer PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES demo.customers (id),
  sku text NOT NULL REFERENCES demo.products (sku),
  quantity integer NOT NULL,
  status text NOT NULL,
  ordered_at date NOT NULL
);

INSERT INTO demo.customers VALUES
  (1, 'Ada Lovelace', 'ada@example.com', 'enterprise', 'GB'),
  (2, 'Grace Hopper', 'grace@example.com', 'pro', 'US'),
  (3, 'Katherine Johnson', 'katherine@example.com', 'pro', 'US'),
  (4, 'Hedy Lamarr', 'hedy@example.com', 'free', 'AT'),
  (5, 'Radia Perlman', 'radia@example.com', 'enterprise', 'US');
INSERT INTO demo.products VALUES
  ('WID-1', 'Widget', 9.99),
  ('GAD-2', 'Gadget', 24.50),
  ('GIZ-3', 'Gizmo', 149.00);
INSERT INTO demo.orders VALUES
  (101, 1, 'GIZ-3', 2, 'shipped', '2026-10-02'),
  (102, 2, 'WID-1', 10, 'shipped', '2026-10-05'),
  (103, 3, 'GAD-2', 1, 'pending', '2026-11-01'),
  (104, 1, 'WID-1', 3, 'cancelled', '2026-11-03'),
  (105, 5, 'GIZ-3', 1, 'pending', '2026-11-20');

CREATE FUNCTION demo.readonly_query(q text, max_rows integer) RETURNS SETOF jsonb
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = demo, pg_catalog AS $$
BEGIN
  RETURN QUERY EXECUTE format('SELECT to_jsonb(r) FROM (%s) AS r LIMIT %s', q, max_rows);
END
$$;
REVOKE ALL ON FUNCTION demo.readonly_query(text, integer) FROM PUBLIC;

-- INVARIANT: the function must never stay owned by the application role (it would then run the
-- agent's SQL with full privileges). The block either hands it to the reader role or drops it;
-- without the privilege to create roles, run_sql is simply unavailable (it fails closed).
-- Roles are shared by every database of the cluster, and advisory locks are not: databases migrating
-- at the same moment can race to create the role or the membership, hence unique_violation below.
DO $$
BEGIN
  BEGIN
    CREATE ROLE interceptor_demo_reader NOLOGIN;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  GRANT USAGE ON SCHEMA demo TO interceptor_demo_reader;
  GRANT SELECT ON ALL TABLES IN SCHEMA demo TO interceptor_demo_reader;
  IF NOT pg_has_role(current_user, 'interceptor_demo_reader', 'MEMBER') THEN
    BEGIN
      EXECUTE format('GRANT interceptor_demo_reader TO %I', current_user);
    EXCEPTION WHEN unique_violation THEN NULL;
    END;
  END IF;
  ALTER FUNCTION demo.readonly_query(text, integer) OWNER TO interceptor_demo_reader;
  EXECUTE format('GRANT EXECUTE ON FUNCTION demo.readonly_query(text, integer) TO %I', current_user);
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'run_sql sandbox not installed: %', SQLERRM;
  DROP FUNCTION demo.readonly_query(text, integer);
END
$$;
