/**
 * The Replay Audit UI in a real browser against the real product (`bin/interceptor start`): sign in,
 * approve and deny held steps, follow a task to completion, open its graph, publish a broken policy
 * and read the inline error; screenshots of each screen go to docs/screenshots/.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createStack, eventually, gqlOk, type Stack } from '../e2e/stack.js';
import { hasChromium, launch, screenshot, signedIn } from './browser.js';

const SUBMIT = `mutation($input: SubmitTaskInput!) { submitTask(input: $input) { id } }`;
const OUTCOME = `query($id: ID!) { task(id: $id) { outcome steps { stepId state approval { status } } } }`;

interface Demo { agentToken: string; approverKey: string }

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'main' }).getByRole('link', { name });
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

  beforeAll(async () => {
    stack = await createStack({ backend: 'pglite', env: { APPROVAL_TIMEOUT: '10m' } });
    await stack.start();
    base = stack.url.replace(/\/graphql$/, '');
    demo = JSON.parse(await readFile(join(stack.dataDir, 'demo.json'), 'utf8')) as Demo;
    browser = await launch();
    approver = await signedIn(browser, base, demo.approverKey);
  }, 180_000);

  afterAll(async () => {
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
    const id = await submit('mail the partner the report', [{ stepId: 'mail', tool: 'send_email', args: { to: 'carol@partner.test', subject: 'report', body: 'numbers attached' } }]);
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
    const id = await submit('mail a stranger the list', [{ stepId: 'mail', tool: 'send_email', args: { to: 'eve@evil.test', subject: 'list', body: 'customers' } }]);
    await held(id);
    const c = card('mail a stranger the list');
    await c.waitFor({ timeout: 15_000 });
    await c.getByRole('button', { name: /Deny/ }).click();
    await c.getByText('Give a reason to deny').waitFor();
    await c.getByLabel(/^Reason/).fill('unknown recipient');
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
    await approver.locator('[data-step="merge"]').focus();
    await approver.keyboard.press('Enter');
    await expect.poll(() => detail.textContent()).toContain('Step merge');
    await screenshot(approver, 'task');
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
    await admin.getByRole('button', { name: 'Validate and publish' }).click();
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
    await narrow.context().close();
  });
});
