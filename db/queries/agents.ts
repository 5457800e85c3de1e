/** @module Agents: registered identities with their capabilities and lifecycle status. */
import { z } from 'zod';
import { InterceptorError } from '../../lib/errors.js';
import { parseOrFail } from '../../lib/validation.js';
import type { Queryable } from '../pool.js';
import { iso, isUniqueViolation } from '../rows.js';

export const AGENT_STATUSES = ['ACTIVE', 'SUSPENDED', 'RETIRED'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export interface Agent {
  id: string;
  tenant: string;
  name: string;
  capabilities: string[];
  status: AgentStatus;
  createdAt: string;
}

const capability = z.string().min(1).max(128);
const AgentInputSchema = z.object({
  id: z.string().min(1).max(256),
  tenant: z.string().min(1).max(128),
  name: z.string().min(1).max(256),
  capabilities: z.array(capability).max(500).default([]),
});

interface AgentRow {
  id: string;
  tenant: string;
  name: string;
  capabilities: string[];
  status: AgentStatus;
  created_at: Date;
}
const COLUMNS = 'id, tenant, name, capabilities, status, created_at';
const toAgent = (r: AgentRow): Agent => ({ id: r.id, tenant: r.tenant, name: r.name, capabilities: r.capabilities, status: r.status, createdAt: iso(r.created_at) });

/** Register an agent; an id already taken is a CONFLICT. */
export async function createAgent(db: Queryable, input: z.input<typeof AgentInputSchema>): Promise<Agent> {
  const a = parseOrFail(AgentInputSchema, input, 'agent');
  try {
    const r = await db.query<AgentRow>(
      `INSERT INTO agents (id, tenant, name, capabilities) VALUES ($1::text, $2::text, $3::text, $4::text[]) RETURNING ${COLUMNS}`,
      [a.id, a.tenant, a.name, [...new Set(a.capabilities)].sort()],
    );
    return toAgent(r.rows[0]!);
  } catch (e) {
    if (isUniqueViolation(e)) throw new InterceptorError('CONFLICT', `agent \`${a.id}\` already exists`);
    throw e;
  }
}

/** The agent, only if it belongs to `tenant` (another tenant's agent reads as absent). */
export async function getAgent(db: Queryable, tenant: string, id: string): Promise<Agent | null> {
  const r = await db.query<AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE tenant = $1::text AND id = $2::text`, [tenant, id]);
  return r.rows[0] ? toAgent(r.rows[0]) : null;
}

export async function listAgents(db: Queryable, tenant: string): Promise<Agent[]> {
  const r = await db.query<AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE tenant = $1::text ORDER BY created_at, id`, [tenant]);
  return r.rows.map(toAgent);
}

/** Change status; null when the tenant has no such agent. */
export async function setAgentStatus(db: Queryable, tenant: string, id: string, status: AgentStatus): Promise<Agent | null> {
  const s = parseOrFail(z.enum(AGENT_STATUSES), status, 'agent status');
  const r = await db.query<AgentRow>(`UPDATE agents SET status = $3::text WHERE tenant = $1::text AND id = $2::text RETURNING ${COLUMNS}`, [tenant, id, s]);
  return r.rows[0] ? toAgent(r.rows[0]) : null;
}

/** Replace the capability list; null when the tenant has no such agent. */
export async function setAgentCapabilities(db: Queryable, tenant: string, id: string, capabilities: string[]): Promise<Agent | null> {
  const caps = parseOrFail(z.array(capability).max(500), capabilities, 'capabilities');
  const r = await db.query<AgentRow>(`UPDATE agents SET capabilities = $3::text[] WHERE tenant = $1::text AND id = $2::text RETURNING ${COLUMNS}`, [
    tenant, id, [...new Set(caps)].sort(),
  ]);
  return r.rows[0] ? toAgent(r.rows[0]) : null;
}
