-- Ed25519 keys that sign evidence bundles. Kept apart from signing_keys (agent credentials) so a key
-- of one purpose can never verify the other: the agent key ring reads signing_keys only.
CREATE TABLE evidence_signing_keys (
  kid text PRIMARY KEY,
  public_jwk jsonb NOT NULL,
  private_jwk jsonb NOT NULL,
  status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'RETIRED')),
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);
