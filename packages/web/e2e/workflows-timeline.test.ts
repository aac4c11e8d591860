import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Chat, Session, WorkflowRun } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo } from '@boocode/testkit/server';
import { openBrowser, recordNotifications, recordedNotifications, type Browser } from './helpers/browser';
import { screenshotBothThemes } from './helpers/screenshots';
import { logIn, startBoocode, type RunningBoocode } from './helpers/server';
import { addProject, newSession } from './helpers/ui';

/**
 * A workflow run that ends while nobody looks, against a real server and the fake LLM: the session
 * is flagged in the sidebar and a browser notification rings (the Notification API and the page's
 * visibility stubbed at the browser boundary); the run sits on the session timeline where it was
 * started and opens the run view; its log lines are there after a reload.
 */

const BACKGROUND = `export const meta = { name: 'background', description: 'Two agents and a few log lines', phases: ['Ask'] };
phase('Ask');
log('asking', args.n, 'agents');
const answers = await parallel(Array.from({ length: args.n }, (_, i) => () => agent('bg [' + i + ']', { label: 'asker ' + i })));
log('all answered:', answers.join(', '));
return answers.join(' + ');
`;

describe('a workflow run in the background, in Chromium', () => {
  let llm: FakeLlm;
  let server: RunningBoocode;
  let browser: Browser;
  let watched: string;
  let quiet: string;

  const badgeOf = (page: Page, sessionId: string) => page.locator(`a.session-link[href*="${sessionId}"] .badge`);
  const notes = recordedNotifications;

  beforeAll(async () => {
    llm = await startFakeLlm({ fallback: { text: 'yes', usage: { prompt_tokens: 1200, completion_tokens: 30 } } });
    const repo = await makeGitRepo({ 'a.txt': 'one\n', '.boocode/workflows/background.js': BACKGROUND }, 'bg');
    [server, browser] = await Promise.all([
      startBoocode({ env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'deepseek-chat' } }),
      openBrowser(),
    ]);
    // The browser boundary: notifications recorded instead of shown, and a way to hide the page.
    await recordNotifications(browser.context);
    const { page } = browser;
    await logIn(page, server);
    await addProject(page, repo);
    watched = await newSession(page, 'bg');
    quiet = await newSession(page, 'bg');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await llm?.close();
  });

  it('flags the session and notifies when a run ends while the page is hidden', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/?session=${quiet}`);
    await page.getByRole('button', { name: 'Notifications' }).click();
    await page.getByLabel('Show a browser notification').check();
    await page.getByRole('button', { name: 'Notifications' }).click();
    // A chat turn first, so the run has a turn to sit after on the timeline.
    const chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${watched}/chats`)).items[0]!;
    await server.api('POST', `/api/chats/${chat.id}/messages`, { content: 'hello first' });
    await badgeOf(page, watched).filter({ hasText: 'finished' }).waitFor({ timeout: 60_000 });
    // Seen: the flag goes (as a person opening it would).
    await server.api('POST', `/api/sessions/${watched}/seen`);
    await badgeOf(page, watched).waitFor({ state: 'detached' });
    const before = (await notes(page)).length;

    await page.evaluate(() => (window as unknown as { __hide: () => void }).__hide());
    const run = await server.api<WorkflowRun>('POST', `/api/sessions/${watched}/workflow-runs`, { name: 'background', args: { n: 2 } });
    await badgeOf(page, watched).filter({ hasText: 'finished' }).waitFor({ timeout: 60_000 });
    expect((await server.api<WorkflowRun>('GET', `/api/workflow-runs/${run.id}`)).status).toBe('completed');
    await expect.poll(async () => (await notes(page)).slice(before)).toEqual([{ title: expect.any(String), body: 'Work in this session finished.' }]);
    expect((await server.api<Session>('GET', `/api/sessions/${watched}`)).attention).toBe('finished');
  });

  it('puts the run on the timeline where it was started, opens it, and shows its log lines after a reload', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/?session=${watched}`);
    await page.getByRole('button', { name: 'Show timeline' }).click();
    const timeline = page.getByRole('list', { name: 'Turns' });
    const entry = timeline.getByRole('button', { name: /^Workflow background, completed/ });
    await entry.waitFor();
    // After the turn it followed.
    const labels = await timeline.getByRole('button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label') ?? ''));
    expect(labels.findIndex((l) => l.startsWith('Workflow background'))).toBeGreaterThan(labels.findIndex((l) => l.startsWith('Turn 1')));
    await expect.poll(() => entry.textContent()).toMatch(/2 agents/);
    await screenshotBothThemes(page, 'workflow-timeline');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshotBothThemes(page, 'workflow-timeline-390');
    await page.setViewportSize({ width: 1280, height: 800 });

    await entry.click();
    const run = page.getByRole('complementary', { name: 'Workflows' }).getByTestId('workflow-run');
    await run.waitFor();
    await run.getByRole('region', { name: 'Log' }).getByText('asking 2 agents').waitFor();
    await page.reload();
    // The panel comes back on the run list after a reload: open the run again.
    const panel = page.getByRole('complementary', { name: 'Workflows' });
    await panel.getByRole('list', { name: 'Runs' }).getByRole('button').first().click();
    const log = panel.getByTestId('workflow-run').getByRole('region', { name: 'Log' });
    await log.getByText('asking 2 agents').waitFor();
    await log.getByText('all answered: yes, yes').waitFor();
    expect(await log.locator('li').allTextContents()).toEqual(['asking 2 agents', 'all answered: yes, yes']);
    await expect.poll(() => panel.getByTestId('workflow-run').textContent()).toContain('2 / 2 / 1000');
    await screenshotBothThemes(page, 'workflow-run-logs-after-reload');
  });
});
