/** @module Tenants: the registry of tenant ids the admin API lists. */
import { z } from 'zod';
import { parseOrFail } from '../../lib/validation.js';
import type { Queryable } from '../pool.js';
import { iso } from '../rows.js';

export interface Tenant {
  id: string;
  name: string;
  createdAt: string;
}

export const TenantIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 letters, digits, `_`, `.`, `:` or `-`');
const TenantInputSchema = z.object({ id: TenantIdSchema, name: z.string().min(1).max(256) });

interface TenantRow {
  id: string;
  name: string;
  created_at: Date;
}
const toTenant = (r: TenantRow): Tenant => ({ id: r.id, name: r.name, createdAt: iso(r.created_at) });

/** Register a tenant, or rename it when it exists. */
export async function upsertTenant(db: Queryable, input: z.input<typeof TenantInputSchema>): Promise<Tenant> {
  const t = parseOrFail(TenantInputSchema, input, 'tenant');
  const r = await db.query<TenantRow>(
    `INSERT INTO tenants (id, name) VALUES ($1::text, $2::text)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name RETURNING id, name, created_at`,
    [t.id, t.name],
  );
  return toTenant(r.rows[0]!);
}

export async function getTenant(db: Queryable, id: string): Promise<Tenant | null> {
  const r = await db.query<TenantRow>('SELECT id, name, created_at FROM tenants WHERE id = $1::text', [id]);
  return r.rows[0] ? toTenant(r.rows[0]) : null;
}

export async function listTenants(db: Queryable): Promise<Tenant[]> {
  const r = await db.query<TenantRow>('SELECT id, name, created_at FROM tenants ORDER BY id');
  return r.rows.map(toTenant);
}
