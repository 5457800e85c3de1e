import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkDeterminism, parseViolation } from '../../replay/determinism/index.js';
import { governedHistory, SCENARIOS } from './scenarios.js';

const WORKFLOWS = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
let bundle: WorkflowBundle;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS, logger: new DefaultLogger('ERROR') });
}, 120_000);

type Ev = Record<string, unknown>;
const REFS = ['scheduledEventId', 'startedEventId', 'workflowTaskCompletedEventId'];

/** The activity type a `core_local_activity` marker records, or undefined. */
function markerActivity(e: Ev): string | undefined {
  const data = ((e.markerRecordedEventAttributes as { details?: { data?: { payloads?: Array<{ data?: string }> } } } | undefined)?.details?.data?.payloads?.[0]?.data);
  return data ? (JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { activity_type?: string }).activity_type : undefined;
}

/** Drop the first call of a local activity (its marker), renumbering like a server would. */
function withoutActivity(h: { events: Ev[] }, name: string): { events: Ev[] } {
  const i = h.events.findIndex((e) => markerActivity(e) === name);
  const kept = h.events.filter((_, j) => j !== i);
  const ids = new Map(kept.map((e, j) => [String(e.eventId), String(j + 1)]));
  return {
    events: kept.map((e) => {
      const c = structuredClone(e);
      c.eventId = ids.get(String(e.eventId));
      for (const [k, v] of Object.entries(c)) {
        if (!k.endsWith('Attributes') || !v || typeof v !== 'object') continue;
        for (const r of REFS) if (r in v) (v as Ev)[r] = ids.get(String((v as Ev)[r])) ?? (v as Ev)[r];
      }
      return c;
    }),
  };
}

const RECORDED = ['real', 'parallel', 'lane'].flatMap((gen) => ['allowed', 'denied-skipped', 'approval-approved', 'approval-expired'].map((name) => `${gen}-${name}`));

describe('checkDeterminism', () => {
  it.each(Object.keys(SCENARIOS))('replays the %s fixture history against the governed-task workflow', async (name) => {
    const r = await checkDeterminism(governedHistory(SCENARIOS[name]!), { workflowBundle: bundle });
    expect(r).toEqual({ ok: true });
  });

  // why three generations: each patch of the workflow must keep replaying what the versions before it recorded
  it.each(RECORDED)('replays the history %s recorded from the running product', async (name) => {
    const h = JSON.parse(readFileSync(new URL(`../fixtures/histories/${name}.json`, import.meta.url), 'utf8')) as unknown;
    expect(await checkDeterminism(h, { workflowBundle: bundle })).toEqual({ ok: true });
  });

  it('names the event and command when the history no longer matches the code', async () => {
    // the code runs extractPlan as a local activity; a history that scheduled it as an activity cannot replay
    const h = governedHistory(SCENARIOS.allowed!);
    const i = h.events.findIndex((e) => markerActivity(e) === 'extractPlan');
    const { eventId, eventTime, taskId } = h.events[i]!;
    h.events[i] = { eventId, eventTime, taskId, eventType: 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED', activityTaskScheduledEventAttributes: { activityId: '1', activityType: { name: 'extractPlan' }, taskQueue: { name: 'interceptor-tasks' }, workflowTaskCompletedEventId: '4' } };
    const r = await checkDeterminism(h, { workflowBundle: bundle });
    expect(r.ok).toBe(false);
    expect(r.error?.kind).toBe('nondeterminism');
    expect(r.error?.eventId).toBe(Number(eventId));
    expect(r.error?.message).toMatch(/nondeterminism/i);
  });

  it('reports a history that lacks a local activity the code runs', async () => {
    // the workflow records a denied step (recordStep) before its outcome; a history without that call cannot replay
    const r = await checkDeterminism(withoutActivity(governedHistory(SCENARIOS.deniedSkipped!), 'recordStep'), { workflowBundle: bundle });
    expect(r.ok).toBe(false);
    expect(r.error?.kind).toBe('nondeterminism');
    expect(r.error?.message).toMatch(/LocalActivity/);
  });

  it('parses event ids and commands out of core messages', () => {
    expect(parseViolation('Nondeterminism error: Activity type of scheduled event \'x\' does not match activity type of activity command \'y\' HistoryEvent(id: 5, ActivityTaskScheduled) CommandScheduleActivityTask')).toEqual({ eventId: 5, command: 'CommandScheduleActivityTask' });
    expect(parseViolation('something else')).toEqual({});
  });

  it('rejects options without workflow code', async () => {
    await expect(checkDeterminism({ events: [] }, {} as never)).rejects.toThrow(/determinism options/);
  });
});
