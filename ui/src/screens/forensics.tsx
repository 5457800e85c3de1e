/**
 * @module Compare and Evidence: the investigator screens that need `replayDiff`, `whatIf`,
 * `exportEvidence` and `verifyEvidence`. They show what the server offers today, so that they fill in
 * as soon as those fields reach the schema.
 */
import { Loading } from '../components/states.js';
import { Link } from '../router.js';
import { useReplayFields } from './replay-panel.js';

const SCREENS = {
  compare: { title: 'Compare runs', needs: ['replayDiff', 'whatIf'], text: 'Put two tasks side by side, or replay one under another policy version, to see which decisions would change.' },
  evidence: { title: 'Evidence', needs: ['exportEvidence', 'verifyEvidence'], text: 'Export a signed evidence bundle for a task, or verify a bundle someone handed you.' },
} as const;

export function Forensics({ kind }: { kind: keyof typeof SCREENS }) {
  const s = SCREENS[kind];
  const fields = useReplayFields();
  return (
    <section aria-labelledby="forensics-title">
      <header class="page-head"><h1 id="forensics-title">{s.title}</h1></header>
      <p>{s.text}</p>
      {!fields ? <Loading what="server capabilities" /> : (
        <ul class="capabilities">
          {s.needs.map((f) => (
            <li key={f}><code>{f}</code>: {fields.has(f) ? <span class="badge ok"><span aria-hidden="true">✓ </span>offered</span> : <span class="badge muted"><span aria-hidden="true">– </span>not yet offered by this server</span>}</li>
          ))}
        </ul>
      )}
      <p class="muted">Meanwhile, each task's decisions, reasons and audit trail are on its <Link href="/tasks">task page</Link>.</p>
    </section>
  );
}
