/** @module Sign in with an API key; the key is checked with `viewer` before it is kept. */
import { useState } from 'preact/hooks';
import { toApiError, type ApiError } from '../api/errors.js';
import type { GraphQLClient } from '../api/client.js';
import type { Viewer } from '../api/types.js';
import { ErrorNotice } from '../components/states.js';
import { signIn } from '../session.js';

export function Login({ onSignedIn, onUnauthenticated, expired }: {
  onSignedIn(s: { client: GraphQLClient; viewer: Viewer }): void;
  onUnauthenticated(): void;
  expired: boolean;
}) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!key.trim()) return;
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(key, onUnauthenticated));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login" id="main">
      <h1>Interceptor <span class="muted">Replay Audit</span></h1>
      <p>Sign in with an API key (<code>ik_…</code>). It stays in this browser tab only and is forgotten when the tab closes.</p>
      {expired && <div class="notice warn" role="status">Your session ended. Sign in again.</div>}
      <form onSubmit={submit}>
        <label for="api-key">API key</label>
        <input id="api-key" name="api-key" type="password" autoComplete="off" spellcheck={false} required
          value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} aria-describedby="api-key-help" />
        <p id="api-key-help" class="help">Approvers, investigators and administrators each get keys from an administrator (<code>issueApiKey</code>); <code>npm start</code> prints a demo approver key.</p>
        <button type="submit" class="primary" disabled={busy}>{busy ? 'Checking…' : 'Sign in'}</button>
      </form>
      {error && <ErrorNotice error={error} />}
    </main>
  );
}
