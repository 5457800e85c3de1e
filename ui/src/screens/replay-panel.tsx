/**
 * @module Where replay (timeline, diff, what-if, evidence) plugs in. The server is asked which Query
 * fields it has, so the panel turns on by itself when `replay` arrives, without a UI release.
 */
import { QUERY_FIELDS } from '../api/queries.js';
import { useLoad } from '../hooks.js';
import { useSession } from '../session.js';

export const REPLAY_FIELDS = ['replay', 'replayDiff', 'whatIf', 'exportEvidence', 'verifyEvidence'] as const;

/** The replay-related Query fields this server offers (empty while they are not in the schema). */
export function useReplayFields(): Set<string> | undefined {
  const { client } = useSession();
  const q = useLoad((s) => client.request<{ __type: { fields: { name: string }[] } | null }>(QUERY_FIELDS, {}, s), [client]);
  if (!q.data) return q.error ? new Set() : undefined;
  const names = new Set((q.data.__type?.fields ?? []).map((f) => f.name));
  return new Set(REPLAY_FIELDS.filter((f) => names.has(f)));
}

export function ReplayPanel({ taskId }: { taskId: string }) {
  const fields = useReplayFields();
  if (!fields) return null;
  return (
    <section class="card replay" aria-labelledby="replay-title">
      <h2 id="replay-title">Replay</h2>
      {fields.has('replay') ? (
        <p>This server offers replay for <code>{taskId}</code>; the timeline view is the next slice of the UI.</p>
      ) : (
        <p class="muted">Timeline, history diff, what-if and evidence export appear here once this server offers <code>replay</code>. Until then the graph above is built from the plan.</p>
      )}
    </section>
  );
}
