/**
 * @module The Cedar editor. Publishing is two steps: validate the draft and preview its drift (which
 * recent decisions it would change), then publish exactly the text that was previewed. Validation
 * errors appear inline with line:column (a click puts the caret there).
 */
import { useRef, useState } from 'preact/hooks';
import { toApiError, type ApiError } from '../api/errors.js';
import { POLICY_DRIFT, PUBLISH_POLICY_SET } from '../api/queries.js';
import type { DriftReport, PolicyValidationError } from '../api/types.js';
import { ErrorNotice } from '../components/states.js';
import { validationErrorsOf } from '../forensics/cedar-errors.js';
import { useSession } from '../session.js';
import { DriftPreview } from './drift-preview.js';

interface PublishResult {
  publishPolicySet: { version: string | null; activated: boolean; errors: PolicyValidationError[] };
}

/** How many recent tasks the preview re-decides. */
const PREVIEW_TASKS = 50;

/** Offset in `text` of a 1-based line and column, clamped to the text. */
export function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  let off = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length - 1); i++) off += (lines[i] ?? '').length + 1;
  return Math.min(off + Math.max(column - 1, 0), text.length);
}

export function PolicyEditor({ initial, canPublish, canPreview, tenant, onPublished }: {
  initial: string;
  canPublish: boolean;
  /** Whether the server offers `policyDriftReport`; without it, publishing is one step. */
  canPreview: boolean;
  /** Named for the platform administrator, who must say which tenant a set is for. */
  tenant: string | null;
  onPublished(): void;
}) {
  const { client } = useSession();
  const [text, setText] = useState(initial);
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<PolicyValidationError[]>([]);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<{ text: string; report: DriftReport } | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const previewed = preview !== null && preview.text === text;

  const attempt = async (work: () => Promise<void>) => {
    setBusy(true);
    setFailure(null);
    setDone(null);
    try {
      await work();
    } catch (err) {
      const e = toApiError(err);
      const inline = validationErrorsOf(e);
      if (inline.length) setErrors(inline);
      else setFailure(e);
    } finally {
      setBusy(false);
    }
  };
  const runPreview = () => attempt(async () => {
    setPreview(null);
    const r = await client.request<{ policyDriftReport: DriftReport }>(POLICY_DRIFT, { input: { cedar: text, lastN: PREVIEW_TASKS } });
    setErrors([]);
    setPreview({ text, report: r.policyDriftReport });
  });
  const publish = () => attempt(async () => {
    const input = { cedar: text, description: description.trim() || null, ...(tenant ? { tenant } : {}) };
    const r = (await client.request<PublishResult>(PUBLISH_POLICY_SET, { input })).publishPolicySet;
    setErrors(r.errors);
    if (r.errors.length === 0) {
      setPreview(null);
      setDone(r.activated ? `Published and activated version ${r.version?.slice(0, 12) ?? ''}.` : `Published version ${r.version?.slice(0, 12) ?? ''}.`);
      onPublished();
    }
  });
  const submit = (e: Event) => {
    e.preventDefault();
    void (canPreview && !previewed ? runPreview() : publish());
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
    <form class="policy-editor" onSubmit={submit}>
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
      {previewed && preview && <DriftPreview report={preview.report} />}
      {canPublish ? (
        <>
          <label for="policy-description">Description <span class="muted">(optional)</span></label>
          <input id="policy-description" value={description} onInput={(e) => setDescription((e.target as HTMLInputElement).value)} />
          <div class="actions">
            {canPreview && !previewed && <button type="submit" class="primary" disabled={busy}>{busy ? 'Checking…' : 'Validate and preview drift'}</button>}
            {canPreview && previewed && <>
              <button type="submit" class="primary" disabled={busy}>{busy ? 'Publishing…' : 'Publish this version'}</button>
              <span class="muted">Editing the text again asks for a new preview.</span>
            </>}
            {!canPreview && <button type="submit" class="primary" disabled={busy}>{busy ? 'Validating…' : 'Validate and publish'}</button>}
          </div>
        </>
      ) : <p class="notice info" role="note">Only administrators can publish policies; you can read them.</p>}
      {done && <div class="notice ok" role="status">{done}</div>}
      {failure && <ErrorNotice error={failure} />}
    </form>
  );
}
