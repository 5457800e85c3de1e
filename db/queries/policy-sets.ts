/**
 * @module Cedar policy set versions per tenant. A version is the SHA-256 of its Cedar text, so the
 * same text is the same version; exactly one version per tenant is active, switched atomically.
 */
import { z } from 'zod';
import { policySetVersion } from '../../governance/policy/compile.js';
import { parseOrFail } from '../../lib/validation.js';
import { atomically, type Queryable } from '../pool.js';
import { iso, isoOrNull } from '../rows.js';

export interface PolicySet {
  tenant: string;
  version: string;
  cedar: string;
  description: string;
  createdBy: string;
  createdAt: string;
  active: boolean;
  activatedAt: string | null;
}

// why one function: the version a decision records must name the row the policy text is stored in.
export { policySetVersion };

interface PolicySetRow {
  tenant: string;
  version: string;
  cedar: string;
  description: string;
  created_by: string;
  created_at: Date;
  active: boolean;
  activated_at: Date | null;
}
const COLUMNS = 'tenant, version, cedar, description, created_by, created_at, active, activated_at';
const toPolicySet = (r: PolicySetRow): PolicySet => ({
  tenant: r.tenant, version: r.version, cedar: r.cedar, description: r.description, createdBy: r.created_by,
  createdAt: iso(r.created_at), active: r.active, activatedAt: isoOrNull(r.activated_at),
});

const CreateSchema = z.object({
  tenant: z.string().min(1).max(128),
  cedar: z.string().max(1_000_000),
  description: z.string().max(4000).default(''),
  createdBy: z.string().min(1).max(256),
});

/** Store a policy set version (inactive). Storing the same text again returns the existing version. */
export async function createPolicySet(db: Queryable, input: z.input<typeof CreateSchema>): Promise<PolicySet> {
  const p = parseOrFail(CreateSchema, input, 'policy set');
  const version = policySetVersion(p.cedar);
  await db.query(
    `INSERT INTO policy_sets (tenant, version, cedar, description, created_by) VALUES ($1::text, $2::text, $3::text, $4::text, $5::text)
     ON CONFLICT (tenant, version) DO NOTHING`,
    [p.tenant, version, p.cedar, p.description, p.createdBy],
  );
  return (await getPolicySet(db, p.tenant, version))!;
}

export async function getPolicySet(db: Queryable, tenant: string, version: string): Promise<PolicySet | null> {
  const r = await db.query<PolicySetRow>(`SELECT ${COLUMNS} FROM policy_sets WHERE tenant = $1::text AND version = $2::text`, [tenant, version]);
  return r.rows[0] ? toPolicySet(r.rows[0]) : null;
}

export async function getActivePolicySet(db: Queryable, tenant: string): Promise<PolicySet | null> {
  const r = await db.query<PolicySetRow>(`SELECT ${COLUMNS} FROM policy_sets WHERE tenant = $1::text AND active`, [tenant]);
  return r.rows[0] ? toPolicySet(r.rows[0]) : null;
}

/** A tenant's versions, newest first. */
export async function listPolicySets(db: Queryable, tenant: string): Promise<PolicySet[]> {
  const r = await db.query<PolicySetRow>(`SELECT ${COLUMNS} FROM policy_sets WHERE tenant = $1::text ORDER BY created_at DESC, version`, [tenant]);
  return r.rows.map(toPolicySet);
}

/**
 * Make `version` the tenant's only active policy set; null when the version does not exist.
 * Concurrent activations for one tenant are serialised by an advisory lock, so the last one wins
 * cleanly instead of colliding on the one-active index.
 */
export async function activatePolicySet(db: Queryable, tenant: string, version: string, now: Date): Promise<PolicySet | null> {
  return atomically(db, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('policy:' || $1::text, 0))", [tenant]);
    const target = await client.query('SELECT 1 FROM policy_sets WHERE tenant = $1::text AND version = $2::text', [tenant, version]);
    if (target.rowCount === 0) return null;
    await client.query('UPDATE policy_sets SET active = false WHERE tenant = $1::text AND active AND version <> $2::text', [tenant, version]);
    const r = await client.query<PolicySetRow>(
      `UPDATE policy_sets SET active = true, activated_at = CASE WHEN active THEN activated_at ELSE $3::timestamptz END
        WHERE tenant = $1::text AND version = $2::text RETURNING ${COLUMNS}`,
      [tenant, version, now],
    );
    return toPolicySet(r.rows[0]!);
  });
}
