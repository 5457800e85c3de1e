-- Core aggregates: tenants, agents, keys and credentials, tools, policy sets, tasks and their
-- steps, approvals, tool executions and the demo e-mail outbox.
-- Tenant ids are plain labels (no foreign key) so that every writer can record them without a
-- registration step; `tenants` is the registry the admin API lists.

CREATE TABLE tenants (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.:-]{1,128}$'),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agents (
  id text PRIMARY KEY,
  tenant text NOT NULL,
  name text NOT NULL,
  capabilities text[] NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED', 'RETIRED')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agents_tenant_idx ON agents (tenant, created_at);

-- Keys that sign agent credentials. private_jwk is stored as is (encryption at rest is out of
-- scope) and is only ever read by getSigningKeyWithPrivate.
CREATE TABLE signing_keys (
  kid text PRIMARY KEY,
  alg text NOT NULL DEFAULT 'EdDSA',
  public_jwk jsonb NOT NULL,
  private_jwk jsonb NOT NULL,
  status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'RETIRED')),
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);

CREATE TABLE credentials (
  jti text PRIMARY KEY,
  agent_id text NOT NULL REFERENCES agents (id),
  tenant text NOT NULL,
  kid text NOT NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_reason text
);
CREATE INDEX credentials_agent_idx ON credentials (agent_id);

CREATE TABLE api_keys (
  key_id text PRIMARY KEY,
  hash text NOT NULL,
  subject text NOT NULL,
  roles text[] NOT NULL DEFAULT '{}',
  tenant text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE tools (
  tenant text NOT NULL,
  name text NOT NULL,
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  definition jsonb NOT NULL,
  pinned_hash text NOT NULL,
  status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'DISABLED')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, name)
);

CREATE TABLE policy_sets (
  tenant text NOT NULL,
  version text NOT NULL,
  cedar text NOT NULL,
  description text NOT NULL DEFAULT '',
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  active boolean NOT NULL DEFAULT false,
  activated_at timestamptz,
  PRIMARY KEY (tenant, version)
);
-- INVARIANT: at most one active policy set per tenant.
CREATE UNIQUE INDEX policy_sets_one_active ON policy_sets (tenant) WHERE active;

CREATE TABLE tasks (
  id text PRIMARY KEY,
  tenant text NOT NULL,
  agent_id text NOT NULL,
  submitted_by text NOT NULL,
  goal text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('PENDING', 'RUNNING', 'AWAITING_APPROVAL', 'DONE')),
  outcome text CHECK (outcome IN ('COMPLETED', 'PARTIALLY_BLOCKED', 'BLOCKED', 'FAILED', 'CANCELLED')),
  risk_level text CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
  plan jsonb,
  summary jsonb NOT NULL DEFAULT '{}',
  -- why: millisecond precision, so that a cursor built from a JavaScript Date matches the row exactly.
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
-- Keyset pagination walks (created_at, id) within a tenant.
CREATE INDEX tasks_tenant_created_idx ON tasks (tenant, created_at DESC, id DESC);

CREATE TABLE steps (
  task_id text NOT NULL REFERENCES tasks (id),
  step_id text NOT NULL,
  tool text NOT NULL,
  args jsonb NOT NULL DEFAULT '{}',
  decision text CHECK (decision IN ('ALLOW', 'DENY', 'REQUIRE_APPROVAL')),
  reasons jsonb NOT NULL DEFAULT '[]',
  risk jsonb,
  approval_id text,
  executed boolean NOT NULL DEFAULT false,
  result jsonb,
  error jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, step_id)
);

CREATE TABLE approvals (
  approval_id text PRIMARY KEY,
  tenant text NOT NULL,
  task_id text NOT NULL,
  step_id text NOT NULL,
  tool text NOT NULL,
  args_digest text NOT NULL,
  plan_version text NOT NULL,
  binding text NOT NULL,
  status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPROVED', 'DENIED', 'EXPIRED', 'CANCELLED')),
  requested_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  decided_at timestamptz,
  decided_by text,
  reason text,
  submitted_by text NOT NULL,
  acting_for text[] NOT NULL DEFAULT '{}',
  policy_ids text[] NOT NULL DEFAULT '{}',
  risk jsonb,
  CHECK ((status = 'PENDING') = (decided_at IS NULL))
);
CREATE INDEX approvals_tenant_status_idx ON approvals (tenant, status, requested_at);
CREATE INDEX approvals_task_idx ON approvals (task_id);

-- One row per side effect a tool may cause; the key makes a retried activity find the first run.
CREATE TABLE tool_executions (
  key text PRIMARY KEY,
  tenant text NOT NULL,
  task_id text,
  step_id text,
  tool text NOT NULL,
  status text NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
  attempt integer NOT NULL DEFAULT 1,
  result jsonb,
  error jsonb,
  lease_expires_at timestamptz NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

CREATE TABLE outbox_emails (
  id text PRIMARY KEY,
  tenant text NOT NULL,
  task_id text,
  step_id text,
  recipients text[] NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_emails_tenant_idx ON outbox_emails (tenant, created_at);
