/** @module Loading, empty and error states shared by every screen. */
import type { ComponentChildren } from 'preact';
import type { ApiError } from '../api/errors.js';

export function Loading({ what }: { what: string }) {
  return <p class="state loading" role="status" aria-live="polite"><span class="spinner" aria-hidden="true" /> Loading {what}…</p>;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="state empty" role="status">{children}</div>;
}

/** An API error as a readable message, with the server's own sentence when it is an expected, coded error. */
export function ErrorNotice({ error, retry }: { error: ApiError; retry?: () => void }) {
  return (
    <div class="notice error" role="alert">
      <strong><span aria-hidden="true">⚠ </span>{error.message}</strong>
      {error.detail && <p class="detail">{error.detail}</p>}
      {error.issues.length > 0 && (
        <ul>{error.issues.map((i) => <li key={i.path}><code>{i.path}</code>: {i.message}</li>)}</ul>
      )}
      <p class="code">Code: <code>{error.code}</code></p>
      {retry && <button type="button" onClick={retry}>Try again</button>}
    </div>
  );
}
