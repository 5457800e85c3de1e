import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertStep } from '../../db/queries/steps.js';
import { ADMIN_TOKEN, finishTask, type Json, openHarness, seedHeldTask, tenantFixture, type Harness, type TenantFixture } from './harness.js';

interface SseStream {
  next(timeoutMs?: number): Promise<{ event: string; data: Json } | null>;
  close(): Promise<void>;
  status: number;
}

async function subscribe(h: Harness, token: string, query: string, variables?: Record<string, unknown>): Promise<SseStream> {
  const controller = new AbortController();
  const res = await h.api.handle(new Request('http://t/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  }));
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pending: { event: string; data: Json }[] = [];
  const pump = async (): Promise<boolean> => {
    const { done, value } = await reader.read();
    if (done) return false;
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (data !== undefined || event === 'complete') pending.push({ event, data: data ? JSON.parse(data) : null });
    }
    return true;
  };
  return {
    status: res.status,
    async next(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (pending.length === 0) {
        if (Date.now() > deadline) throw new Error('no event before the deadline');
        const more = await Promise.race([pump(), new Promise<boolean>((r) => setTimeout(() => r(true), 100))]);
        if (!more) return pending.shift() ?? null;
      }
      return pending.shift()!;
    },
    async close() {
      controller.abort();
      await reader.cancel().catch(() => undefined);
    },
  };
}

const TASK_EVENTS = 'subscription($t: ID!) { taskEvents(taskId: $t) { taskId status changedSteps task { steps { stepId state } } } }';

describe('subscriptions over server-sent events', () => {
  let h: Harness;
  let a: TenantFixture;
  let b: TenantFixture;

  beforeAll(async () => {
    h = await openHarness();
    a = await tenantFixture(h, 'acme');
    b = await tenantFixture(h, 'globex');
  });
  afterAll(async () => h?.close());

  it('streams a task: its current state first, then each change, and ends when it finishes', async () => {
    const t = await seedHeldTask(h, 'acme', a.agent.id);
    const s = await subscribe(h, a.agent.token, TASK_EVENTS, { t: t.taskId });
    try {
      const first = await s.next();
      expect(first!.data.data.taskEvents).toMatchObject({ taskId: t.taskId, status: 'AWAITING_APPROVAL', changedSteps: ['read', 'mail'] });
      await upsertStep(h.db.pool, { taskId: t.taskId, stepId: 'mail', tool: 'send_email', executed: true });
      await finishTask(h, 'acme', t.taskId);
      let last = await s.next();
      // why: the poller may see the step change and the outcome separately or together.
      if (last!.data.data.taskEvents.status !== 'COMPLETED') {
        expect(last!.data.data.taskEvents.changedSteps).toEqual(['mail']);
        last = await s.next();
        expect(last!.data.data.taskEvents.changedSteps).toEqual([]);
      } else {
        expect(last!.data.data.taskEvents.changedSteps).toEqual(['mail']);
      }
      expect(last!.data.data.taskEvents.status).toBe('COMPLETED');
      expect(last!.data.data.taskEvents.task.steps).toEqual([{ stepId: 'read', state: 'EXECUTED' }, { stepId: 'mail', state: 'EXECUTED' }]);
      expect((await s.next())?.event).toBe('complete');
    } finally {
      await s.close();
    }
  });

  it('streams changes of the tasks a viewer may list, and only those', async () => {
    const CHANGES = 'subscription { taskChanges { taskId tenant status } }';
    const investigator = await subscribe(h, a.investigator.token, CHANGES);
    const outsider = await subscribe(h, b.investigator.token, CHANGES);
    try {
      // reading starts the streams, which take their baseline before anything changes
      await Promise.all([investigator.next(300).catch(() => null), outsider.next(300).catch(() => null)]);
      const t = await seedHeldTask(h, 'acme', a.agent.id);
      h.api.notify({ tenant: 'acme', taskId: t.taskId, kind: 'step' });
      const seen = await investigator.next();
      expect(seen!.data.data.taskChanges).toEqual({ taskId: t.taskId, tenant: 'acme', status: 'AWAITING_APPROVAL' });
      await finishTask(h, 'acme', t.taskId);
      h.api.notify({ tenant: 'acme', taskId: t.taskId, kind: 'outcome' });
      expect((await investigator.next())!.data.data.taskChanges).toMatchObject({ taskId: t.taskId, status: 'COMPLETED' });
      await expect(outsider.next(800)).rejects.toThrow(/no event/);
    } finally {
      await investigator.close();
      await outsider.close();
    }
  });

  it('refuses to stream another tenant\'s task', async () => {
    const t = await seedHeldTask(h, 'globex', b.agent.id);
    const s = await subscribe(h, a.investigator.token, TASK_EVENTS, { t: t.taskId });
    try {
      const first = await s.next();
      expect(first!.data.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['NOT_FOUND']);
      expect(JSON.stringify(first)).not.toContain('globex');
    } finally {
      await s.close();
    }
  });

  it('delivers approval requests of the approver\'s tenant only', async () => {
    const s = await subscribe(h, a.approver.token, 'subscription { approvalRequests { id tenant tool } }');
    try {
      const waiting = new Set<string>();
      const seededA = await seedHeldTask(h, 'acme', a.otherAgent.id);
      await seedHeldTask(h, 'globex', b.agent.id);
      for (;;) {
        const e = await s.next();
        const approval = e!.data.data.approvalRequests;
        expect(approval.tenant).toBe('acme');
        waiting.add(approval.id);
        if (approval.id === seededA.approvalId) break;
      }
      expect(waiting.has(seededA.approvalId)).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('refuses approval requests to agents', async () => {
    const s = await subscribe(h, a.agent.token, 'subscription { approvalRequests { id } }');
    try {
      const first = await s.next();
      expect(first!.data.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['FORBIDDEN']);
    } finally {
      await s.close();
    }
  });

  it('lets the platform administrator watch every tenant', async () => {
    const s = await subscribe(h, ADMIN_TOKEN, 'subscription { approvalRequests { tenant } }');
    try {
      const tenants = new Set<string>();
      while (tenants.size < 2) tenants.add((await s.next())!.data.data.approvalRequests.tenant);
      expect([...tenants].sort()).toEqual(['acme', 'globex']);
    } finally {
      await s.close();
    }
  });
});
