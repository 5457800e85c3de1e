/**
 * @module The proxy's protocol core state, shared by every agent session: the upstreams, the
 * governance file, the policy set, pins, the governor and the audit buffer. It knows nothing of
 * transports; a session is an SDK Server connected to whatever Transport the edge hands it.
 */
import { ErrorCode, McpError, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CompiledPolicySet } from '../../governance/policy/index.js';
import type { AuditBuffer } from '../audit/buffer.js';
import type { ProxyGovernance } from '../config.js';
import type { CallGovernor } from '../enforce/types.js';
import type { PinGate } from '../pins/gate.js';
import type { Upstream } from '../upstream/index.js';
import { resolveName, type QualifiedName } from './names.js';

export interface ProxyCore {
  readonly upstreams: ReadonlyMap<string, Upstream>;
  readonly servers: readonly string[];
  /** More than one upstream: names are exposed as `<server>__<name>`. */
  readonly multi: boolean;
  readonly governance: ProxyGovernance;
  policy(): CompiledPolicySet;
  readonly pins: PinGate;
  readonly governor: CallGovernor;
  readonly audit: AuditBuffer;
  now(): Date;
  nextCallId(): string;
  /** Listen for `notifications/resources/updated` from any upstream; returns the unsubscribe function. */
  onResourceUpdated(listener: (server: string, uri: string) => void): () => void;
}

export interface ProxyCoreInput {
  upstreams: readonly Upstream[];
  governance: ProxyGovernance;
  policy: () => CompiledPolicySet;
  pins: PinGate;
  governor: CallGovernor;
  audit: AuditBuffer;
  now?: () => Date;
}

export function createProxyCore(input: ProxyCoreInput): ProxyCore {
  const upstreams = new Map(input.upstreams.map((u) => [u.name, u]));
  if (upstreams.size !== input.upstreams.length) throw new McpError(ErrorCode.InvalidRequest, 'upstream names must be unique');
  const listeners = new Set<(server: string, uri: string) => void>();
  for (const u of input.upstreams) {
    u.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      listeners.forEach((l) => l(u.name, n.params.uri));
    });
  }
  let counter = 0;
  const prefix = `c${Date.now().toString(36)}`;
  return {
    upstreams,
    servers: [...upstreams.keys()],
    multi: upstreams.size > 1,
    governance: input.governance,
    policy: input.policy,
    pins: input.pins,
    governor: input.governor,
    audit: input.audit,
    now: input.now ?? (() => new Date()),
    nextCallId: () => `${prefix}-${++counter}`,
    onResourceUpdated(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The upstream and upstream name an exposed name refers to; InvalidParams when none. */
export function route(core: ProxyCore, exposed: string, kind: 'tool' | 'prompt'): QualifiedName & { upstream: Upstream } {
  const q = resolveName(exposed, core.servers);
  const upstream = q ? core.upstreams.get(q.server) : undefined;
  if (!q || !upstream) throw new McpError(ErrorCode.InvalidParams, `unknown ${kind}: ${exposed}`);
  return { ...q, upstream };
}

/**
 * Run a request against an upstream. McpErrors it answered pass through with their code (the agent
 * sees what the server said); anything else (a closed connection, a crash) becomes InternalError.
 */
export async function upstreamCall<T>(upstream: Upstream, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof McpError) throw e;
    throw new McpError(ErrorCode.InternalError, `upstream \`${upstream.name}\` failed: ${(e as Error)?.message ?? 'unknown error'}`);
  }
}
