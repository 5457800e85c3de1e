/**
 * @module Composition root of the proxy: connect the upstreams, load policy, governance file, pins,
 * budget and audit buffer, pick the governor (local or durable) and build the protocol core. The
 * edges (HTTP, stdio) are attached by the caller.
 */
import { readFile } from 'node:fs/promises';
import { InterceptorError } from '../lib/errors.js';
import { loadPolicySet, type CompiledPolicySet } from '../governance/policy/index.js';
import { loadDefaultPolicyPack } from '../governance/policy/default-pack.js';
import { openAuditBuffer, type AuditBuffer, type ChainedAuditRecord } from './audit/buffer.js';
import { createAuthenticator, type Authenticator } from './auth/index.js';
import { loadGovernanceFile, ProxyGovernanceSchema, type ProxyGovernance } from './config.js';
import { createDurableGovernor } from './durable/index.js';
import { chargesInAudit, openLocalBudget, type Charge } from './enforce/budget.js';
import { createLocalGovernor } from './enforce/local.js';
import type { CallGovernor } from './enforce/types.js';
import { createPinGate } from './pins/gate.js';
import { openPinStore } from './pins/store.js';
import { createProxyCore, type ProxyCore } from './protocol/core.js';
import { connectUpstream, type Upstream, type UpstreamSpec } from './upstream/index.js';
import { shipAudit } from './audit/ship.js';

export interface ProxyOptions {
  upstreams: UpstreamSpec[];
  mode: 'local' | 'durable';
  dataDir: string;
  /** JWKS file path or URL with the public keys that sign agent credentials. */
  jwks: string;
  issuer?: string;
  audience?: string;
  /** Cedar policy file; the default pack when absent. */
  policyFile?: string;
  /** Governance file (tool mappings, budget); or the parsed value itself. */
  toolsFile?: string;
  governance?: ProxyGovernance;
  /** GraphQL endpoint (durable mode). */
  api?: string;
  approveAllOnFirstUse?: boolean;
  /** Timeout of each upstream request. */
  timeoutMs?: number;
  toolsTtlMs?: number;
  pollMs?: number;
  /** HTTP client for the API (tests pass a scripted one). */
  fetch?: typeof fetch;
  /**
   * With `api`: ship the audit buffer to the API every `shipEveryMs` (default 10 s) with this token
   * (an admin API key of the tenant). Without it the buffer is kept for `interceptor proxy audit ship`.
   */
  shipToken?: string;
  shipEveryMs?: number;
  /**
   * `always` (default): a call's result is returned only once its audit records are on disk (group
   * commit); `batched`: once they are written to the file, flushed in the background.
   */
  auditSync?: 'always' | 'batched';
}

export interface Proxy {
  core: ProxyCore;
  auth: Authenticator;
  audit: AuditBuffer;
  close(): Promise<void>;
}

export async function loadPolicy(file: string | undefined): Promise<CompiledPolicySet> {
  if (file === undefined) return loadDefaultPolicyPack().policySet;
  // why loadPolicySet: a policy file that does not compile yields a set that denies everything.
  return loadPolicySet(await readFile(file, 'utf8'));
}

/** Build a running proxy core; throws when an upstream cannot be reached or a file is invalid. */
export async function createProxy(opts: ProxyOptions): Promise<Proxy> {
  const governance = opts.governance ? ProxyGovernanceSchema.parse(opts.governance) : opts.toolsFile ? await loadGovernanceFile(opts.toolsFile) : ProxyGovernanceSchema.parse({});
  const policy = await loadPolicy(opts.policyFile);
  let charges: Charge[] = [];
  // why at open: the buffer reads the whole file then anyway; the local allowance is recounted from it
  const recount = opts.mode === 'durable' ? {} : { onOpen: (records: readonly ChainedAuditRecord[]) => (charges = chargesInAudit(records)) };
  const audit = openAuditBuffer(opts.dataDir, { sync: opts.auditSync ?? 'always', ...recount });
  const upstreams: Upstream[] = [];
  try {
    for (const spec of opts.upstreams) upstreams.push(await connectUpstream(spec, { timeoutMs: opts.timeoutMs ?? 30_000, ...(opts.toolsTtlMs === undefined ? {} : { toolsTtlMs: opts.toolsTtlMs }) }));
  } catch (e) {
    await Promise.all(upstreams.map((u) => u.close().catch(() => undefined)));
    audit.close();
    throw e;
  }
  const governor = createGovernor(opts, governance, policy, audit, charges);
  const pins = createPinGate({ store: openPinStore(opts.dataDir), audit, approveAllOnFirstUse: opts.approveAllOnFirstUse === true });
  const core = createProxyCore({ upstreams, governance, policy: () => policy, pins, governor, audit });
  const auth = createAuthenticator({ jwks: opts.jwks, ...(opts.issuer ? { issuer: opts.issuer } : {}), ...(opts.audience ? { audience: opts.audience } : {}) });
  const shipper = opts.api && opts.shipToken ? startShipping(opts.dataDir, audit, opts.api, opts.shipToken, opts.shipEveryMs ?? 10_000, opts.fetch) : undefined;
  return {
    core,
    auth,
    audit,
    async close() {
      await governor.drain?.();
      await shipper?.stop();
      await Promise.all(upstreams.map((u) => u.close().catch(() => undefined)));
      audit.close();
    },
  };
}

function createGovernor(opts: ProxyOptions, governance: ProxyGovernance, policy: CompiledPolicySet, audit: AuditBuffer, charges: Charge[]): CallGovernor {
  if (opts.mode === 'durable') {
    if (!opts.api) throw new InterceptorError('BAD_USER_INPUT', 'durable mode needs `--api`', { issues: [{ path: 'api', message: 'required in durable mode' }] });
    return createDurableGovernor({ api: opts.api, audit, ...(opts.pollMs ? { pollMs: opts.pollMs } : {}), ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  }
  const budget = openLocalBudget(governance.budget, { charges, dataDir: opts.dataDir });
  return createLocalGovernor({ policy: () => policy, governance, budget, audit });
}

/**
 * Ship the buffer in the background while the API is reachable. why a timer and not per call: the
 * decision path must not wait on the network; what is not shipped yet is safe on disk.
 */
function startShipping(dataDir: string, audit: AuditBuffer, api: string, token: string, everyMs: number, f: typeof fetch | undefined): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = running.then(async () => {
      await audit.flush();
      await shipAudit(dataDir, audit.readAll(), api, token, f);
    }).catch(() => undefined);
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      tick();
      await running;
    },
  };
}
