/**
 * The Replay Audit UI in a real browser against the real product (`bin/interceptor start`): sign in,
 * approve and deny held steps, follow a task to completion, open its graph and timeline, compare two
 * tasks, publish a policy after its drift preview, export and verify evidence (and see a tampered
 * bundle rejected), the platform administrator's tenant picker, and the 200-step / 500-node
 * performance figures (perf.json) and screenshots of each screen, written to docs/screenshots/ when
 * UPDATE_SCREENSHOTS=1 (otherwise to a temporary directory).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createStack, eventually, gqlOk, type Stack } from '../e2e/stack.js';
import { hasChromium, launch, SCREENSHOTS, screenshot, signedIn } from './browser.js';

const SUBMIT = `mutation($input: SubmitTaskInput!) { submitTask(input: $input) { id } }`;
const OUTCOME = `query($id: ID!) { task(id: $id) { outcome steps { stepId state approval { status } } } }`;

interface Demo { agentToken: string; approverKey: string }

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'main' }).getByRole('link', { name });
/** A draft that denies every e-mail: the drift preview and the what-if should both notice. */
const FORBID_EMAIL = '@id("forbid-all-email")\n@reason("no e-mail at all")\nforbid (principal, action == Action::"call_tool", resource is Tool)\nwhen { resource.name == "send_email" };\n';
const plan = (steps: unknown[]) => ({ planId: `ui-${Math.random().toString(36).slice(2)}`, goal: 'ui', steps });

describe.skipIf(!hasChromium())('Replay Audit UI in chromium', () => {
  let stack: Stack;
  let base: string;
  let demo: Demo;
  let browser: Browser;
  let approver: Page;

  const submit = async (goal: string, steps: unknown[]) =>
    (await gqlOk<{ submitTask: { id: string } }>(stack.url, demo.agentToken, SUBMIT, { input: { goal, plan: plan(steps) } })).submitTask.id;
  const outcome = (id: string) => eventually(async () => {
    const t = (await gqlOk<{ task: { outcome: string | null } }>(stack.url, demo.agentToken, OUTCOME, { id })).task;
    return t.outcome;
  }, 45_000, `task ${id} to finish`);
  const held = (id: string) => eventually(async () => {
    const t = (await gqlOk<{ task: { steps: { approval: { status: string } | null }[] } }>(stack.url, demo.agentToken, OUTCOME, { id })).task;
    return t.steps.some((s) => s.approval?.status === 'PENDING');
  }, 45_000, `task ${id} to wait for approval`);
  let issuedAdminKey: string | undefined;
  const adminKey = async () => (issuedAdminKey ??= (await gqlOk<{ issueApiKey: { key: string } }>(stack.url, ADMIN_TOKEN,
    `mutation($i: IssueApiKeyInput!) { issueApiKey(input: $i) { key } }`, { i: { subject: 'ui-admin', roles: ['ADMIN', 'INVESTIGATOR'], tenant: 'demo' } })).issueApiKey.key);
  const card = (goal: string) => approver.locator('article.approval', { hasText: goal });
  const ids: Record<string, string> = {};
  const perf: Record<string, unknown> = {};
  let offeredFields: Set<string> | undefined;
  /** Whether the server offers a forensics field (the UI copes without them; this product must have them all). */
  const offered = async (field: string) => {
    if (!offeredFields) {
      const d = await gqlOk<{ q: { fields: { name: string }[] }; m: { fields: { name: string }[] } }>(stack.url, ADMIN_TOKEN,
        '{ q: __type(name: "Query") { fields { name } } m: __type(name: "Mutation") { fields { name } } }');
      offeredFields = new Set([...d.q.fields, ...d.m.fields].map((f) => f.name));
    }
    return offeredFields.has(field);
  };

  beforeAll(async () => {
    stack = await createStack({ backend: 'pglite', env: { APPROVAL_TIMEOUT: '10m' } });
    await stack.start();
    base = stack.url.replace(/\/graphql$/, '');
    demo = JSON.parse(await readFile(join(stack.dataDir, 'demo.json'), 'utf8')) as Demo;
    browser = await launch();
    approver = await signedIn(browser, base, demo.approverKey);
  }, 180_000);

  let failed = false;
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') failed = true;
  });

  afterAll(async () => {
    // the product's own log says why a browser-side symptom (a refused connection, a timeout) happened
    if (failed && stack) process.stdout.write(`--- last lines of the product's log ---\n${stack.logs().split('\n').slice(-80).join('\n')}\n`);
    // why the load figures: the machine is shared, so a figure means little without the load it was taken under
    if (Object.keys(perf).length) {
      const measured = { measuredAt: new Date().toISOString(), chromium: browser?.version(), cpus: cpus().length, loadAverage1m5m15m: loadavg().map((l) => Number(l.toFixed(2))) };
      await mkdir(SCREENSHOTS, { recursive: true });
      await writeFile(join(SCREENSHOTS, 'perf.json'), `${JSON.stringify({ ...measured, ...perf }, null, 2)}\n`);
    }
    await browser?.close();
    await stack?.dispose();
  });

  it('serves the UI at /ui with cache headers and a strict CSP, and redirects / there', async () => {
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
    const page = await fetch(`${base}/ui/tasks/anything`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
    const asset = await fetch(`${base}${script}`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${base}/ui/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  it('signs in with the approver key and shows who that is, with role-aware navigation', async () => {
    await expect(approver.getByTestId('viewer').textContent()).resolves.toContain('demo-approver');
    const links = await approver.getByRole('navigation', { name: 'main' }).getByRole('link').allTextContents();
    expect(links).toEqual(['Approvals', 'Tasks', 'Policies', 'Compare', 'Evidence']);
    expect(new URL(approver.url()).pathname).toBe('/ui/approvals');
  });

  it('refuses a wrong key with a readable message and no stack trace', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${base}/ui/`);
    await page.getByLabel('API key').fill('ik_wrong0000000000000000000000000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await expect(alert.textContent()).resolves.toContain('Your key was not accepted');
    await expect(alert.textContent()).resolves.not.toMatch(/at \w+ \(|Error:/);
    await screenshot(page, 'login-error');
    await ctx.close();
  });

  it('approves a held e-mail in the queue, and the task completes', async () => {
    const id = ids.approved = await submit('mail the partner the report', [{ stepId: 'mail', tool: 'send_email', args: { to: 'carol@partner.test', subject: 'report', body: 'numbers attached' } }]);
    await held(id);
    await card('mail the partner the report').waitFor({ timeout: 15_000 });
    const text = await card('mail the partner the report').textContent();
    expect(text).toContain('carol@partner.test');
    expect(text).toMatch(/Expires in \d+m/);
    await screenshot(approver, 'approvals');
    await card('mail the partner the report').getByLabel(/^Reason/).fill('partner is known');
    await card('mail the partner the report').getByRole('button', { name: /Approve/ }).click();
    await approver.getByText('Approved send_email').waitFor();
    expect(await outcome(id)).toBe('COMPLETED');
    await card('mail the partner the report').waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('will not deny without a reason, then denies with one and the task is blocked', async () => {
    const id = ids.denied = await submit('mail a stranger the list', [{ stepId: 'mail', tool: 'send_email', args: { to: 'eve@evil.test', subject: 'list', body: 'customers' } }]);
    await held(id);
    const c = card('mail a stranger the list');
    await c.waitFor({ timeout: 15_000 });
    await c.getByRole('button', { name: /Deny/ }).click();
    await c.getByText('Give a reason to deny').waitFor();
    await c.getByLabel(/^Reason/).fill('unknown recipient');
    await c.getByRole('button', { name: /Deny/ }).click();
    expect(await outcome(id)).toBe('BLOCKED');
  });

  it('sets a held call\'s arguments against the agent\'s earlier call of the same tool', async () => {
    const id = await submit('mail the partner again', [{ stepId: 'mail', tool: 'send_email', args: { to: 'carol@partner.test', subject: 'report v2', body: 'customers' } }]);
    await held(id);
    await nav(approver, 'Approvals').click();
    const c = card('mail the partner again');
    await c.waitFor({ timeout: 15_000 });
    const diff = c.getByTestId('args-diff');
    await diff.waitFor();
    // the newest earlier send_email is the denied one to eve: the recipient and subject differ, the body does not
    const changed = await diff.locator('.line.changed').allTextContents();
    expect(changed.join('\n')).toContain('"to": "carol@partner.test"');
    expect(changed.join('\n')).toContain('"subject": "report v2"');
    expect(changed.join('\n')).not.toContain('"body"');
    await expect(diff.locator('.line.changed .sr-only').first().textContent()).resolves.toBe('changed: ');
    await expect(c.textContent()).resolves.toMatch(/2 changed, 0 new/);
    await c.screenshot({ path: join(SCREENSHOTS, 'approvals-diff.png') });
    await c.getByLabel(/^Reason/).fill('not now');
    await c.getByRole('button', { name: /Deny/ }).click();
    expect(await outcome(id)).toBe('BLOCKED');
  });

  it('shows a task page with a laid-out graph; clicking a node opens its step', async () => {
    const id = await submit('collect and share notes', [
      { stepId: 'a', tool: 'write_file', args: { path: 'ui/a.txt', content: 'a' } },
      { stepId: 'b', tool: 'write_file', args: { path: 'ui/b.txt', content: 'b' } },
      { stepId: 'escape', tool: 'read_file', args: { path: '../../etc/passwd' }, dependsOn: ['a'] },
      { stepId: 'merge', tool: 'read_file', args: { path: 'ui/a.txt' }, dependsOn: ['a', 'b'] },
    ]);
    ids.notes = id;
    await outcome(id);
    await nav(approver, 'Tasks').click();
    await approver.getByRole('link', { name: 'collect and share notes' }).click();
    await approver.getByRole('heading', { name: 'collect and share notes' }).waitFor();
    const nodes = approver.locator('[data-step]');
    await expect.poll(() => nodes.count()).toBe(4);
    // a real layout, not a chain: the two roots share a rank (same x), and merge sits to their right
    const x = async (step: string) => (await approver.locator(`[data-step="${step}"]`).boundingBox())!.x;
    expect(await x('a')).toBe(await x('b'));
    expect(await x('merge')).toBeGreaterThan(await x('b'));
    await approver.locator('[data-step="escape"]').click();
    const detail = approver.getByTestId('step-detail');
    await expect.poll(() => detail.textContent()).toContain('PATH_TRAVERSAL');
    // one tab stop for the whole graph; arrow keys walk the steps
    const focused = () => approver.evaluate(() => document.activeElement?.getAttribute('data-step'));
    await approver.locator('[data-step="b"]').focus();
    await approver.keyboard.press('ArrowRight');
    expect(await focused()).toBe('escape');
    await approver.keyboard.press('End');
    expect(await focused()).toBe('merge');
    expect(await approver.locator('[data-step][tabindex="0"]').count()).toBe(1);
    await approver.keyboard.press('Enter');
    await expect.poll(() => detail.textContent()).toContain('Step merge');
    // focus follows the click-through, and the step's own history events are listed
    await expect.poll(() => approver.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('step-detail');
    await expect.poll(() => detail.locator('.timeline li').count()).toBeGreaterThan(0);
    expect(await detail.locator('.timeline').textContent()).toMatch(/history events? \d+/);
    // the timeline: task start to close, each entry naming its history events; narrowed to one step on request
    const timeline = approver.getByTestId('timeline');
    const kinds = await timeline.locator('li[data-kind]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds[0]).toBe('task.started');
    expect(kinds).toContain('step.assessed');
    expect(kinds).toContain('tool.executed');
    expect(kinds.at(-1)).toMatch(/task\.(outcome|closed)/);
    await timeline.getByLabel(/only step/).check();
    const narrowed = await timeline.locator('li[data-kind]').count();
    expect(narrowed).toBeLessThan(kinds.length);
    expect(await timeline.locator('li.current').count()).toBe(narrowed);
    await timeline.getByLabel(/only step/).uncheck();
    // a timeline entry's step link selects that step
    await timeline.getByRole('button', { name: 'step escape' }).first().click();
    await expect.poll(() => detail.textContent()).toContain('Step escape');
    // the history still replays against the workflow code running now
    expect(await offered('determinismCheck')).toBe(true);
    await approver.getByRole('button', { name: 'Check determinism' }).click();
    await expect.poll(() => approver.getByTestId('determinism').textContent(), { timeout: 30_000 }).toContain('replays identically');
    await screenshot(approver, 'task');
    await timeline.scrollIntoViewIfNeeded();
    await screenshot(approver, 'task-timeline', false);
  });

  it('lets an administrator, not an approver, cancel a task waiting for approval', async () => {
    const id = await submit('cancel me from the ui', [{ stepId: 'mail', tool: 'send_email', args: { to: 'zed@partner.test', subject: 'x', body: 'y' } }]);
    await held(id);
    await approver.goto(`${base}/ui/tasks/${id}`);
    await approver.getByRole('heading', { name: 'cancel me from the ui' }).waitFor();
    await expect(approver.getByRole('button', { name: 'Cancel task' }).count()).resolves.toBe(0);
    const admin = await signedIn(browser, base, await adminKey());
    await admin.goto(`${base}/ui/tasks/${id}`);
    admin.once('dialog', (d) => void d.accept());
    await admin.getByRole('button', { name: 'Cancel task' }).click();
    expect(await outcome(id)).toBe('CANCELLED');
    await admin.getByRole('button', { name: 'Cancel task' }).waitFor({ state: 'detached', timeout: 10_000 });
    await admin.context().close();
  });

  it('lists and filters tasks', async () => {
    await nav(approver, 'Tasks').click();
    await approver.getByRole('link', { name: 'mail a stranger the list' }).waitFor();
    await screenshot(approver, 'tasks');
    await approver.getByLabel('Status').selectOption('BLOCKED');
    const statuses = () => approver.locator('table.tasks tbody tr td:nth-child(2)').allTextContents();
    await expect.poll(async () => (await statuses()).every((s) => s.includes('Blocked'))).toBe(true);
    expect((await statuses()).length).toBeGreaterThan(0);
    expect(approver.url()).toContain('status=BLOCKED');
  });

  it('shows a new task in the open list at once, through the taskChanges subscription', async () => {
    await approver.goto(`${base}/ui/tasks`);
    await approver.getByText('● live').waitFor();
    const t0 = Date.now();
    await submit('appears live in the list', [{ stepId: 'mail', tool: 'send_email', args: { to: 'liv@partner.test', subject: 'live', body: 'hello' } }]);
    await approver.getByRole('link', { name: 'appears live in the list' }).waitFor({ timeout: 10_000 });
    // the list refreshes itself every 15 s; seen well before that, it came through the subscription
    expect(Date.now() - t0).toBeLessThan(8_000);
  });

  it('publishes a broken policy set and shows the error inline with line:column; an approver cannot publish', async () => {
    await nav(approver, 'Policies').click();
    await approver.getByText('Only administrators can publish policies').waitFor();
    const key = await adminKey();
    const admin = await signedIn(browser, base, key);
    await nav(admin, 'Policies').click();
    const editor = admin.getByLabel(/^Cedar policies/);
    await expect.poll(async () => (await editor.inputValue()).length).toBeGreaterThan(100);
    const original = await editor.inputValue();
    await editor.fill(`${original}\n@id("broken")\npermit (principal, action, resource) when { principal.nope ==  };\n`);
    await admin.getByRole('button', { name: /^Validate and (preview drift|publish)$/ }).click();
    const errors = admin.locator('#cedar-errors');
    await errors.waitFor();
    expect(await errors.textContent()).toMatch(/line \d+:\d+/);
    await expect(editor.getAttribute('aria-invalid')).resolves.toBe('true');
    // the position is a button that puts the caret on the offending line
    await errors.getByRole('button', { name: /line \d+:\d+/ }).click();
    const caretLine = await editor.evaluate((el: HTMLTextAreaElement) => document.activeElement === el ? el.value.slice(0, el.selectionStart).split('\n').length : -1);
    expect(String(caretLine)).toBe(/line (\d+):/.exec((await errors.textContent())!)![1]);
    // and nothing was published: the default pack is still the only version
    expect((await gqlOk<{ policySets: unknown[] }>(stack.url, key, `{ policySets { version } }`)).policySets).toHaveLength(1);
    await screenshot(admin, 'policies-error');
    await admin.context().close();
  });

  it('renders the page of a 200-step plan, graph included, in under a second', async () => {
    // a binary tree of reads: the root is denied (path traversal), so everything else is skipped quickly
    const steps = Array.from({ length: 200 }, (_, i) => ({
      stepId: `s${i}`, tool: 'read_file', args: { path: i === 0 ? '../secret' : `n/${i}.txt` }, ...(i > 0 ? { dependsOn: [`s${Math.floor((i - 1) / 2)}`] } : {}),
    }));
    const id = await submit('two hundred steps', steps);
    await outcome(id);
    await nav(approver, 'Tasks').click();
    const link = approver.getByRole('link', { name: 'two hundred steps' });
    await link.waitFor();
    const ms = await link.evaluate((a: HTMLElement) => new Promise<number>((done) => {
      const t0 = performance.now();
      a.click();
      const check = () => (document.querySelectorAll('[data-step]').length === 200 ? done(performance.now() - t0) : requestAnimationFrame(check));
      requestAnimationFrame(check);
    }));
    const fetches = await approver.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/graphql')).slice(-4).map((e) => Math.round(e.duration)));
    process.stdout.write(`graphql fetch durations ${fetches.join(', ')}\n`);
    perf.task200 = { renderMs: Math.round(ms), graphqlFetchMs: fetches, budgetMs: 1000 };
    expect(ms).toBeLessThan(1000);
    await screenshot(approver, 'task-200-steps', false);
    process.stdout.write(`200-step task page rendered in ${ms.toFixed(0)} ms\n`);
  });

  it('stays usable in a narrow window', async () => {
    await submit('narrow window check', [{ stepId: 'mail', tool: 'send_email', args: { to: 'dan@partner.test', subject: 'hi', body: 'hello' } }]);
    const narrow = await signedIn(browser, base, demo.approverKey, { width: 420, height: 900 });
    await narrow.locator('article.approval', { hasText: 'narrow window check' }).waitFor({ timeout: 20_000 });
    const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(narrow, 'approvals-narrow');
    // the other screens fit too: wide tables and the graph scroll inside their own boxes
    for (const path of [`/tasks/${ids.notes}`, '/tasks', '/compare', '/evidence', '/policies']) {
      await narrow.goto(`${base}/ui${path}`);
      await narrow.locator('main h1').first().waitFor();
      await expect.poll(() => narrow.locator('.state.loading').count(), { timeout: 20_000 }).toBe(0);
      const over = await narrow.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(over, `horizontal overflow on ${path}`).toBeLessThanOrEqual(0);
    }
    await narrow.goto(`${base}/ui/tasks/${ids.notes}`);
    await narrow.getByTestId('timeline').waitFor({ timeout: 20_000 }).catch(() => undefined);
    await screenshot(narrow, 'task-narrow');
    await narrow.context().close();
  });

  it('keeps a 500-node graph responsive: render, select a node, zoom', async () => {
    const steps = Array.from({ length: 500 }, (_, i) => ({
      stepId: `s${i}`, tool: 'read_file', args: { path: i === 0 ? '../secret' : `n/${i}.txt` }, ...(i > 0 ? { dependsOn: [`s${Math.floor((i - 1) / 2)}`] } : {}),
    }));
    const id = await submit('five hundred steps', steps);
    await outcome(id);
    await nav(approver, 'Tasks').click();
    const link = approver.getByRole('link', { name: 'five hundred steps' });
    await link.waitFor();
    const renderMs = await link.evaluate((a: HTMLElement) => new Promise<number>((done) => {
      const t0 = performance.now();
      a.click();
      const check = () => (document.querySelectorAll('[data-step]').length === 500 ? done(performance.now() - t0) : requestAnimationFrame(check));
      requestAnimationFrame(check);
    }));
    await screenshot(approver, 'task-500-steps', false);
    // responsiveness: from a click on a node (or the zoom button) to the next frame showing its effect
    const clickToFrame = (selector: string, done: string) => approver.evaluate(([sel, until]) => new Promise<number>((resolve) => {
      const t0 = performance.now();
      document.querySelector(sel)!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      const check = () => (document.querySelector(until) ? resolve(performance.now() - t0) : requestAnimationFrame(check));
      requestAnimationFrame(check);
    }), [selector, done] as const);
    const selectMs = [
      await clickToFrame('[data-step="s250"]', '[data-step="s250"].selected'),
      await clickToFrame('[data-step="s499"]', '[data-step="s499"].selected'),
      await clickToFrame('[data-step="s1"]', '[data-step="s1"].selected'),
    ];
    // a toggle with a fixed name; its pressed state says whether the graph is fitted
    await expect(approver.getByRole('button', { name: 'Fit to width' }).getAttribute('aria-pressed')).resolves.toBe('true');
    const zoomMs = await clickToFrame('.graph-tools button', '.graph-wrap svg:not(.fit)');
    // the page keeps answering input while it shows 500 nodes: a keyboard round trip on a focused node
    await approver.locator('[data-step="s3"]').focus();
    const keyT0 = Date.now();
    await approver.keyboard.press('Enter');
    await approver.locator('[data-step="s3"].selected').waitFor();
    const keyMs = Date.now() - keyT0;
    perf.graph500 = { nodes: 500, renderMs: Math.round(renderMs), selectMs: selectMs.map(Math.round), zoomToggleMs: Math.round(zoomMs), keyboardSelectMs: keyMs, budgetMs: { select: 500 } };
    process.stdout.write(`500-node graph: page ${renderMs.toFixed(0)} ms, select ${selectMs.map(Math.round).join('/')} ms, zoom ${zoomMs.toFixed(0)} ms, key ${keyMs} ms\n`);
    expect(Math.max(...selectMs)).toBeLessThan(500);
  });

  it('compares two tasks side by side, and a task with its what-if', async () => {
    expect([await offered('replayDiff'), await offered('whatIf')]).toEqual([true, true]);
    await nav(approver, 'Compare').click();
    await approver.getByLabel('Left task').selectOption(ids.approved!);
    await approver.getByLabel('Right task').selectOption(ids.denied!);
    await approver.getByRole('button', { name: 'Compare', exact: true }).click();
    const diff = approver.getByTestId('replay-diff');
    await diff.waitFor({ timeout: 30_000 });
    const text = (await diff.textContent())!;
    expect(text).toContain('outcome differs');
    expect(text).toContain('eve@evil.test');
    expect(await diff.locator('tr[data-diff="changed"]').count()).toBeGreaterThan(0);
    expect(approver.url()).toContain(`left=${ids.approved}`);
    await screenshot(approver, 'compare');
    const { activePolicySet } = await gqlOk<{ activePolicySet: { cedar: string } }>(stack.url, await adminKey(), '{ activePolicySet { cedar } }');
    await approver.getByLabel(/what-if under another policy/).check();
    await approver.getByLabel('Task', { exact: true }).selectOption(ids.approved!);
    await approver.getByLabel(/^or Cedar text/).fill(`${activePolicySet.cedar}\n${FORBID_EMAIL}`);
    await approver.getByRole('button', { name: 'Compare', exact: true }).click();
    const whatIf = approver.getByTestId('what-if');
    await whatIf.waitFor({ timeout: 30_000 });
    expect(await whatIf.textContent()).toContain('1 decision would change');
    expect(await whatIf.locator('tr[data-diff="changed"]').count()).toBe(1);
    await screenshot(approver, 'compare-what-if');
  });

  it('publishes a policy set only after its drift preview, then rolls it back', async () => {
    expect(await offered('policyDriftReport')).toBe(true);
    const key = await adminKey();
    const versions = async () => (await gqlOk<{ policySets: { version: string; active: boolean }[] }>(stack.url, key, '{ policySets { version active } }')).policySets;
    const before = await versions();
    const admin = await signedIn(browser, base, key);
    await nav(admin, 'Policies').click();
    const editor = admin.getByLabel(/^Cedar policies/);
    await expect.poll(async () => (await editor.inputValue()).length).toBeGreaterThan(100);
    await editor.fill(`${await editor.inputValue()}\n${FORBID_EMAIL}`);
    await admin.getByRole('button', { name: 'Validate and preview drift' }).click();
    const preview = admin.getByTestId('drift-preview');
    await preview.waitFor({ timeout: 60_000 });
    const text = (await preview.textContent())!;
    // every send_email so far (approved, denied, cancelled, held) was held for approval; the draft denies them
    const n = Number(/These (\d+) recent decisions? would change/.exec(text)?.[1]);
    expect(n).toBeGreaterThanOrEqual(3);
    expect(text).toContain('forbid-all-email');
    expect(await versions()).toHaveLength(before.length);
    await screenshot(admin, 'policies-drift');
    await admin.getByRole('button', { name: 'Publish this version' }).click();
    await admin.getByText(/Published and activated version/).waitFor({ timeout: 20_000 });
    const after = await versions();
    expect(after).toHaveLength(before.length + 1);
    // past versions stay listed; rolling back is one click
    const original = before.find((v) => v.active)!.version;
    await admin.getByRole('row', { name: new RegExp(original.slice(0, 12)) }).getByRole('button', { name: /roll back/ }).click();
    await expect.poll(async () => (await versions()).find((v) => v.active)?.version).toBe(original);
    await admin.context().close();
  });

  it('exports a task\'s evidence, verifies the download, and rejects a tampered copy naming the part', async () => {
    expect([await offered('exportEvidence'), await offered('verifyEvidence')]).toEqual([true, true]);
    // from the task page: its "Export evidence" link opens the Evidence screen with the task chosen
    await approver.goto(`${base}/ui/tasks/${ids.approved}`);
    await approver.getByRole('link', { name: 'Export evidence' }).click();
    await expect.poll(() => approver.getByLabel('Task', { exact: true }).inputValue()).toBe(ids.approved);
    await approver.getByRole('button', { name: 'Export evidence' }).click();
    await approver.getByTestId('evidence-export').waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([approver.waitForEvent('download'), approver.getByRole('link', { name: 'Download bundle' }).click()]);
    expect(download.suggestedFilename()).toBe(`evidence-${ids.approved}.json`);
    const bundle = await readFile(await download.path(), 'utf8');
    const parsed = JSON.parse(bundle) as { manifest: { taskIds: string[] }; parts: { history: { events: unknown[] }[] } };
    expect(parsed.manifest.taskIds).toEqual([ids.approved]);
    const file = approver.getByLabel(/^Bundle file/);
    const verdict = approver.getByTestId('verification');
    await file.setInputFiles({ name: 'evidence.json', mimeType: 'application/json', buffer: Buffer.from(bundle) });
    await approver.getByRole('button', { name: 'Verify', exact: true }).click();
    await expect.poll(() => verdict.textContent(), { timeout: 20_000 }).toContain('Valid.');
    await screenshot(approver, 'evidence');
    // drop one history event: the history part no longer matches its signed digest
    parsed.parts.history[0]!.events.splice(1, 1);
    await file.setInputFiles({ name: 'tampered.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(parsed)) });
    await approver.getByRole('button', { name: 'Verify', exact: true }).click();
    await expect.poll(() => verdict.textContent(), { timeout: 20_000 }).toContain('Not valid.');
    expect(await verdict.locator('tr[data-part="history"]').count()).toBeGreaterThan(0);
    expect(await verdict.textContent()).not.toMatch(/at \w+ \(|Error:/);
    await screenshot(approver, 'evidence-tampered');
  });

  it('gives the platform administrator a tenant picker', async () => {
    const page = await signedIn(browser, base, ADMIN_TOKEN);
    await nav(page, 'Tasks').click();
    const status = page.locator('.page-head [role="status"]');
    await expect.poll(() => status.textContent()).toContain('all tenants');
    await expect.poll(() => page.getByRole('columnheader', { name: 'Tenant' }).count()).toBe(1);
    await page.getByLabel('Tenant', { exact: true }).fill('demo');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => status.textContent()).toContain('tenant demo');
    await expect.poll(() => page.getByRole('columnheader', { name: 'Tenant' }).count()).toBe(0);
    await page.getByRole('link', { name: 'mail the partner the report' }).waitFor();
    await nav(page, 'Policies').click();
    await page.getByLabel(/^Cedar policies/).waitFor();
    await screenshot(page, 'tenant-picker');
    await page.context().close();
  });
});
