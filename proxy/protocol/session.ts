/** @module One agent session: who it is (verified once at connect) and what its earlier outputs were. */
import type { AgentIdentity } from '../../governance/types.js';
import { createSessionTaint, type SessionTaint } from '../enforce/taint.js';

export interface ProxySession {
  readonly identity: AgentIdentity;
  readonly token: string;
  readonly sessionId: string;
  readonly taint: SessionTaint;
}

export function createSession(identity: AgentIdentity, token: string, sessionId: string): ProxySession {
  return { identity, token, sessionId, taint: createSessionTaint() };
}
