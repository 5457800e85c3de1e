/** @module The Cedar editor: publish, and show validation errors inline with line:column (a click puts the caret there). */
import { useRef, useState } from 'preact/hooks';
import { toApiError, type ApiError } from '../api/errors.js';
import { PUBLISH_POLICY_SET } from '../api/queries.js';
import type { PolicyValidationError } from '../api/types.js';
import { ErrorNotice } from '../components/states.js';
import { useSession } from '../session.js';

interface PublishResult {
  publishPolicySet: { version: string | null; activated: boolean; errors: PolicyValidationError[] };
}

/** Offset in `text` of a 1-based line and column, clamped to the text. */
export function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  let off = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length - 1); i++) off += (lines[i] ?? '').length + 1;
  return Math.min(off + Math.max(column - 1, 0), text.length);
}

export function PolicyEditor({ initial, canPublish, onPublished }: { initial: string; canPublish: boolean; onPublished(): void }) {
  const { client } = useSession();
  const [text, setText] = useState(initial);
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<PolicyValidationError[]>([]);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);

  const publish = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setFailure(null);
    setDone(null);
    try {
      const r = (await client.request<PublishResult>(PUBLISH_POLICY_SET, { input: { cedar: text, description: description.trim() || null } })).publishPolicySet;
      setErrors(r.errors);
      if (r.errors.length === 0) {
        setDone(r.activated ? `Published and activated version ${r.version?.slice(0, 12) ?? ''}.` : `Published version ${r.version?.slice(0, 12) ?? ''}.`);
        onPublished();
      }
    } catch (err) {
      setFailure(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const jump = (err: PolicyValidationError) => {
    const el = area.current;
    if (!el || err.line === null) return;
    const at = offsetOf(text, err.line, err.column ?? 1);
    el.focus();
    el.setSelectionRange(at, Math.min(at + 1, text.length));
  };
  const lineCount = text.split('\n').length;
  return (
    <form class="policy-editor" onSubmit={publish}>
      <label for="cedar">Cedar policies <span class="muted">({lineCount} lines)</span></label>
      <textarea id="cedar" ref={area} rows={Math.min(Math.max(lineCount + 1, 12), 30)} spellcheck={false} value={text} readOnly={!canPublish}
        aria-invalid={errors.length > 0} aria-describedby={errors.length ? 'cedar-errors' : undefined}
        onInput={(e) => { setText((e.target as HTMLTextAreaElement).value); setErrors([]); }} />
      {errors.length > 0 && (
        <div id="cedar-errors" class="notice error" role="alert">
          <strong><span aria-hidden="true">⚠ </span>{errors.length === 1 ? 'The policy set has an error' : `The policy set has ${errors.length} errors`}; nothing was published.</strong>
          <ul>{errors.map((er, i) => (
            <li key={i}>
              {er.line !== null
                ? <button type="button" class="link" onClick={() => jump(er)}>line {er.line}:{er.column ?? 1}</button>
                : <span>(no position)</span>}
              {er.policyId && <> in <code>{er.policyId}</code></>}: {er.message}
            </li>))}
          </ul>
        </div>
      )}
      {canPublish ? (
        <>
          <label for="policy-description">Description <span class="muted">(optional)</span></label>
          <input id="policy-description" value={description} onInput={(e) => setDescription((e.target as HTMLInputElement).value)} />
          <div class="actions"><button type="submit" class="primary" disabled={busy}>{busy ? 'Validating…' : 'Validate and publish'}</button></div>
        </>
      ) : <p class="notice info" role="note">Only administrators can publish policies; you can read them.</p>}
      {done && <div class="notice ok" role="status">{done}</div>}
      {failure && <ErrorNotice error={failure} />}
    </form>
  );
}
