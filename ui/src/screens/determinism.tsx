/** @module "Does this history still replay against the workflow code running now?" on request (it replays the whole history). */
import { useState } from 'preact/hooks';
import { toApiError, type ApiError } from '../api/errors.js';
import { DETERMINISM_CHECK } from '../api/queries.js';
import { ErrorNotice } from '../components/states.js';
import { useSession } from '../session.js';

interface Drift { kind?: string; eventId?: number; command?: string; message?: string }

export function DeterminismCheck({ taskId }: { taskId: string }) {
  const { client } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<{ deterministic: boolean; drift: Drift | null } | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult((await client.request<{ determinismCheck: { deterministic: boolean; drift: Drift | null } }>(DETERMINISM_CHECK, { taskId })).determinismCheck);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="determinism" data-testid="determinism">
      <button type="button" disabled={busy} onClick={() => void run()}>{busy ? 'Replaying…' : 'Check determinism'}</button>
      {result && (result.deterministic
        ? <span class="badge ok" role="status"><span aria-hidden="true">✓ </span>replays identically against the current workflow code</span>
        : <span class="badge bad" role="status"><span aria-hidden="true">✕ </span>diverges{result.drift?.eventId !== undefined ? ` at history event ${result.drift.eventId}` : ''}{result.drift?.kind ? ` (${result.drift.kind})` : ''}{result.drift?.message ? `: ${result.drift.message}` : ''}</span>)}
      {error && <ErrorNotice error={error} />}
    </div>
  );
}
