/**
 * @module Which forensics operations the server offers. The UI may be served by a server that predates
 * some of them (`replayDiff`, `whatIf`, `policyDriftReport`, evidence); a screen then says which one is
 * missing instead of failing with a schema error.
 */
import { ROOT_FIELDS } from './api/queries.js';
import { useLoad } from './hooks.js';
import { useSession } from './session.js';

export const FORENSICS_FIELDS = ['replay', 'replayDiff', 'whatIf', 'policyDriftReport', 'determinismCheck', 'exportEvidence', 'verifyEvidence'] as const;
export type ForensicsField = (typeof FORENSICS_FIELDS)[number];

interface Fields { query: { fields: { name: string }[] } | null; mutation: { fields: { name: string }[] } | null }

/** The offered fields; undefined while asking (an unanswerable question counts as "none offered"). */
export function useCapabilities(): Set<ForensicsField> | undefined {
  const { client } = useSession();
  const q = useLoad((s) => client.request<Fields>(ROOT_FIELDS, {}, s), [client]);
  if (!q.data) return q.error ? new Set() : undefined;
  const names = new Set([...(q.data.query?.fields ?? []), ...(q.data.mutation?.fields ?? [])].map((f) => f.name));
  return new Set(FORENSICS_FIELDS.filter((f) => names.has(f)));
}

export function NotOffered({ field }: { field: ForensicsField }) {
  return <p class="notice warn" role="note"><span aria-hidden="true">– </span>This server does not offer <code>{field}</code> yet; update the server to use this part.</p>;
}
