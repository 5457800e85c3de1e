/**
 * @module The task as rebuilt from its Temporal history (`replay`): timeline entries per step and each
 * step's provenance and taint, loaded next to the task record and refreshed when the task changes.
 */
import { useMemo } from 'preact/hooks';
import type { ApiError } from '../api/errors.js';
import { REPLAY } from '../api/queries.js';
import type { Replay, TimelineEntry } from '../api/types.js';
import { entriesByStep, parseReplayGraph, provenanceByStep, type StepProvenance } from '../forensics/replay-facts.js';
import { useLoad } from '../hooks.js';
import { useSession } from '../session.js';

export interface ReplayView {
  replay: Replay | undefined;
  error: ApiError | undefined;
  loading: boolean;
  provenance: Map<string, StepProvenance>;
  byStep: Map<string, TimelineEntry[]>;
}

/**
 * Load `replay(taskId)`; `version` (e.g. status and step states) decides when to load it again, and
 * null waits: the Task page passes null until the task itself has loaded, so the plan and graph render
 * first and the history is not read twice.
 */
export function useReplay(taskId: string, version: string | null): ReplayView {
  const { client } = useSession();
  const q = useLoad(async (s) => (version === null ? null : (await client.request<{ replay: Replay }>(REPLAY, { taskId }, s)).replay), [client, taskId, version]);
  const replay = q.data ?? undefined;
  const provenance = useMemo(() => {
    const g = replay ? parseReplayGraph(replay.graph) : null;
    return g ? provenanceByStep(g) : new Map<string, StepProvenance>();
  }, [replay]);
  const byStep = useMemo(() => entriesByStep(Array.isArray(replay?.timeline) ? replay.timeline : []), [replay]);
  return { replay, error: q.error, loading: q.loading || version === null, provenance, byStep };
}
