/**
 * @module Evidence: export a task's signed evidence bundle and download it; verify a bundle someone
 * hands you (uploaded as a file), and when it fails, see which part, which check and which event.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { toApiError, type ApiError } from '../api/errors.js';
import { EXPORT_EVIDENCE, VERIFY_EVIDENCE } from '../api/queries.js';
import type { EvidenceExport, EvidenceVerification } from '../api/types.js';
import { NotOffered, useCapabilities } from '../capabilities.js';
import { Empty, ErrorNotice, Loading } from '../components/states.js';
import { useRoute } from '../router.js';
import { useSession } from '../session.js';
import { TaskPicker, useRecentTasks } from './task-picker.js';

/** Bundles larger than this are refused before upload (the API's request limit would refuse them anyway). */
const MAX_BUNDLE_BYTES = 20 * 1024 * 1024;

export function Evidence() {
  const caps = useCapabilities();
  return (
    <section aria-labelledby="evidence-title">
      <header class="page-head"><h1 id="evidence-title">Evidence</h1></header>
      <p>An evidence bundle holds a task's Temporal history, audit chain, policies, identities, approvals and replay, each part hashed and the manifest signed, so that someone outside can check it without trusting this server.</p>
      <div class="grid-2">
        <div>{caps && !caps.has('exportEvidence') ? <><h2>Export</h2><NotOffered field="exportEvidence" /></> : <ExportEvidence />}</div>
        <div>{caps && !caps.has('verifyEvidence') ? <><h2>Verify</h2><NotOffered field="verifyEvidence" /></> : <VerifyEvidence />}</div>
      </div>
    </section>
  );
}

function ExportEvidence() {
  const { client } = useSession();
  const { query } = useRoute();
  const tasks = useRecentTasks();
  const [taskId, setTaskId] = useState(query.get('task') ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<EvidenceExport | null>(null);
  const href = useMemo(() => (result ? URL.createObjectURL(new Blob([result.bundle], { type: 'application/json' })) : null), [result]);
  useEffect(() => () => { if (href) URL.revokeObjectURL(href); }, [href]);

  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult((await client.request<{ exportEvidence: EvidenceExport }>(EXPORT_EVIDENCE, { taskId })).exportEvidence);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="export-title" class="card">
      <h2 id="export-title">Export a task's bundle</h2>
      {tasks.error && <ErrorNotice error={tasks.error} retry={tasks.reload} />}
      {!tasks.data && tasks.loading ? <Loading what="recent tasks" /> : tasks.data?.length === 0 ? <Empty><p>No tasks yet.</p></Empty> : (
        <form onSubmit={run}>
          <TaskPicker id="ev-task" label="Task" value={taskId} options={tasks.data ?? []} onChange={setTaskId} />
          <div class="actions"><button type="submit" class="primary" disabled={busy || !taskId}>{busy ? 'Exporting…' : 'Export evidence'}</button></div>
        </form>
      )}
      {error && <ErrorNotice error={error} />}
      {result && href && (
        <div class="notice ok" role="status" data-testid="evidence-export">
          <p><strong><span aria-hidden="true">✓ </span>Bundle ready</strong> ({(result.bundle.length / 1024).toFixed(1)} kB), signed with key <code>{result.keyId}</code>.</p>
          <p>Digest <code class="wrap">{result.digest}</code></p>
          <p><a class="button" href={href} download={`evidence-${result.taskId}.json`}>Download bundle</a></p>
          <details><summary>Summary</summary><pre class="json">{result.summaryMarkdown}</pre></details>
        </div>
      )}
    </section>
  );
}

function VerifyEvidence() {
  const { client } = useSession();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [tooBig, setTooBig] = useState(false);
  const [result, setResult] = useState<EvidenceVerification | null>(null);

  const choose = async (e: Event) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    setResult(null);
    setError(null);
    setTooBig(false);
    setFile(null);
    if (!f) return;
    if (f.size > MAX_BUNDLE_BYTES) {
      setTooBig(true);
      return;
    }
    setFile({ name: f.name, text: await f.text() });
  };
  const run = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult((await client.request<{ verifyEvidence: EvidenceVerification }>(VERIFY_EVIDENCE, { bundle: file.text })).verifyEvidence);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="verify-title" class="card">
      <h2 id="verify-title">Verify a bundle</h2>
      <form onSubmit={run}>
        <label for="ev-file">Bundle file <span class="muted">(.json)</span></label>
        <input id="ev-file" type="file" accept="application/json,.json" aria-describedby={tooBig ? 'ev-file-err' : undefined} onChange={(e) => void choose(e)} />
        {tooBig && <p id="ev-file-err" class="field-error" role="alert">The file is larger than {MAX_BUNDLE_BYTES / 1024 / 1024} MB.</p>}
        <div class="actions"><button type="submit" class="primary" disabled={busy || !file}>{busy ? 'Verifying…' : 'Verify'}</button></div>
      </form>
      {error && <ErrorNotice error={error} />}
      {result && <VerificationResult result={result} name={file?.name ?? 'bundle'} />}
    </section>
  );
}

function VerificationResult({ result: r, name }: { result: EvidenceVerification; name: string }) {
  if (r.valid) {
    return <div class="notice ok" role="status" data-testid="verification"><strong><span aria-hidden="true">✓ </span>Valid.</strong> <code>{name}</code> is intact: every part matches its digest and the manifest is signed{r.keyId ? <> by key <code>{r.keyId}</code></> : ''}.</div>;
  }
  return (
    <div class="notice error" role="alert" data-testid="verification">
      <p><strong><span aria-hidden="true">✕ </span>Not valid.</strong> <code>{name}</code> fails {r.failures.length} check{r.failures.length === 1 ? '' : 's'}; do not rely on it.</p>
      <div class="table-wrap" tabIndex={0} aria-label="failed checks">
        <table>
          <thead><tr><th scope="col">Part</th><th scope="col">Check</th><th scope="col">Event</th><th scope="col">What is wrong</th></tr></thead>
          <tbody>{r.failures.map((f, i) => (
            <tr key={i} data-part={f.part ?? ''}><td><strong>{f.part ?? 'bundle'}</strong></td><td><code>{f.code}</code></td><td>{f.eventIndex ?? '—'}</td><td>{f.message}</td></tr>
          ))}</tbody>
        </table>
      </div>
    </div>
  );
}
