/**
 * @module A held call's arguments set against the agent's most recent earlier call of the same tool,
 * so an approver sees at a glance what is new about this one (a different recipient, a new URL).
 */
import { SIMILAR_CALLS } from '../api/queries.js';
import { formatTime, Json } from '../components/details.js';
import { diffJson, type LineMark } from '../forensics/json-diff.js';
import { useLoad } from '../hooks.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';

interface Similar { tasks: { edges: { node: { id: string; createdAt: string; steps: { stepId: string; tool: string; args: unknown }[] } }[] } }

/** How many recent tasks calling the tool are searched for an earlier call. */
const LOOK_BACK = 10;
const MARK: Record<LineMark, [string, string]> = { same: [' ', ''], changed: ['~', 'changed: '], added: ['+', 'new: '] };

export function ArgsDiff({ tool, args, taskId, agentId, label }: { tool: string; args: unknown; taskId: string | null; agentId: string | null; label: string }) {
  const { client } = useSession();
  const q = useLoad(async (s) => {
    const filter = { tool, ...(agentId ? { agentId } : {}) };
    const d = await client.request<Similar>(SIMILAR_CALLS, { filter, first: LOOK_BACK }, s);
    for (const { node } of d.tasks.edges) {
      if (node.id === taskId) continue;
      const step = node.steps.find((x) => x.tool === tool);
      if (step) return { taskId: node.id, at: node.createdAt, args: step.args };
    }
    return null;
  }, [client, tool, taskId, agentId]);
  const earlier = q.data;
  if (!earlier) {
    return (
      <>
        <Json value={args} label={label} />
        {q.data === null && <p class="muted diff-note">No earlier call of <code>{tool}</code> by this agent to compare with.</p>}
      </>
    );
  }
  const d = diffJson(args, earlier.args);
  return (
    <>
      <pre class="json diff" tabIndex={0} aria-label={`${label}, compared with an earlier call`} data-testid="args-diff">
        {d.lines.map((l, i) => (
          <span key={i} class={`line ${l.mark}`}><span class="gutter" aria-hidden="true">{MARK[l.mark][0]}</span>{l.mark !== 'same' && <span class="sr-only">{MARK[l.mark][1]}</span>}{l.text}{'\n'}</span>
        ))}
      </pre>
      <p class="diff-note">
        {d.changed + d.added + d.removed.length === 0
          ? <>Same arguments as </>
          : <><strong>{d.changed} changed</strong>, <strong>{d.added} new</strong>{d.removed.length ? <>, <strong>{d.removed.length} gone</strong> ({d.removed.map((p) => <code key={p}>{p}</code>)})</> : ''} <span class="muted">(marked <code>~</code> and <code>+</code>)</span> compared with </>}
        the call in task <Link href={`/tasks/${encodeURIComponent(earlier.taskId)}`}><code>{earlier.taskId.slice(0, 12)}</code></Link> <span class="muted">of {formatTime(earlier.at)}</span>.
      </p>
    </>
  );
}
