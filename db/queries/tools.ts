/**
 * @module Registered tools per tenant. `pinnedHash` is the digest of the definition at registration:
 * a later change bumps `version` and the hash, so a silently altered definition is visible.
 */
import { z } from 'zod';
import { ToolDefinitionSchema, type ToolDefinition } from '../../governance/types.js';
import { digestJson } from '../../lib/canonical-json.js';
import { parseOrFail } from '../../lib/validation.js';
import type { Queryable } from '../pool.js';
import { iso, jsonParam, readJson } from '../rows.js';

export const TOOL_STATUSES = ['ACTIVE', 'DISABLED'] as const;
export type ToolStatus = (typeof TOOL_STATUSES)[number];

export interface RegisteredTool {
  tenant: string;
  name: string;
  version: number;
  definition: ToolDefinition;
  pinnedHash: string;
  status: ToolStatus;
  createdAt: string;
  updatedAt: string;
}

interface ToolRow {
  tenant: string;
  name: string;
  version: number;
  definition: unknown;
  pinned_hash: string;
  status: ToolStatus;
  created_at: Date;
  updated_at: Date;
}
const COLUMNS = 'tenant, name, version, definition, pinned_hash, status, created_at, updated_at';
const toTool = (r: ToolRow): RegisteredTool => ({
  tenant: r.tenant, name: r.name, version: r.version, definition: readJson(ToolDefinitionSchema, r.definition, 'tools.definition'),
  pinnedHash: r.pinned_hash, status: r.status, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
});

const UpsertToolSchema = z.object({ tenant: z.string().min(1).max(128), definition: ToolDefinitionSchema });

/**
 * Register a tool or replace its definition. An identical definition changes nothing; a different
 * one increments the version and re-pins the hash.
 */
export async function upsertTool(db: Queryable, input: z.input<typeof UpsertToolSchema>): Promise<RegisteredTool> {
  const t = parseOrFail(UpsertToolSchema, input, 'tool');
  const hash = digestJson(t.definition);
  const r = await db.query<ToolRow>(
    `INSERT INTO tools (tenant, name, definition, pinned_hash) VALUES ($1::text, $2::text, $3::jsonb, $4::text)
     ON CONFLICT (tenant, name) DO UPDATE
       SET definition = EXCLUDED.definition, pinned_hash = EXCLUDED.pinned_hash, version = tools.version + 1, updated_at = now()
       WHERE tools.pinned_hash <> EXCLUDED.pinned_hash
     RETURNING ${COLUMNS}`,
    [t.tenant, t.definition.name, jsonParam(t.definition), hash],
  );
  return r.rows[0] ? toTool(r.rows[0]) : (await getTool(db, t.tenant, t.definition.name))!;
}

export async function getTool(db: Queryable, tenant: string, name: string): Promise<RegisteredTool | null> {
  const r = await db.query<ToolRow>(`SELECT ${COLUMNS} FROM tools WHERE tenant = $1::text AND name = $2::text`, [tenant, name]);
  return r.rows[0] ? toTool(r.rows[0]) : null;
}

export async function listTools(db: Queryable, tenant: string, opts: { status?: ToolStatus } = {}): Promise<RegisteredTool[]> {
  const r = await db.query<ToolRow>(`SELECT ${COLUMNS} FROM tools WHERE tenant = $1::text AND ($2::text IS NULL OR status = $2::text) ORDER BY name`, [
    tenant, opts.status ?? null,
  ]);
  return r.rows.map(toTool);
}

/** Enable or disable a tool; null when the tenant has no such tool. */
export async function setToolStatus(db: Queryable, tenant: string, name: string, status: ToolStatus): Promise<RegisteredTool | null> {
  const s = parseOrFail(z.enum(TOOL_STATUSES), status, 'tool status');
  const r = await db.query<ToolRow>(`UPDATE tools SET status = $3::text, updated_at = now() WHERE tenant = $1::text AND name = $2::text RETURNING ${COLUMNS}`, [tenant, name, s]);
  return r.rows[0] ? toTool(r.rows[0]) : null;
}
