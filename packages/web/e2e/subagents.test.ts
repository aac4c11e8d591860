import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubagentList } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo } from '@boocode/testkit/server';
import { openBrowser, type Browser } from './helpers/browser';
import { screenshotBothThemes } from './helpers/screenshots';
import { logIn, startBoocode, type RunningBoocode } from './helpers/server';
import { addProject, newSession, send } from './helpers/ui';

/** The background agents pane and the count badge while a turn's subagents run and finish. */
describe('background agents in Chromium', () => {
  let llm: FakeLlm;
  let server: RunningBoocode;
  let browser: Browser;
  let sessionId: string;

  beforeAll(async () => {
    llm = await startFakeLlm();
    [server, browser] = await Promise.all([
      startBoocode({ env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake-model' } }),
      openBrowser(),
    ]);
    await logIn(browser.page, server);
    await addProject(browser.page, await makeGitRepo({ 'README.md': '# Demo\n' }, 'demo'));
    sessionId = await newSession(browser.page, 'demo');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await llm?.close();
  });

  const api = async <T>(method: string, url: string): Promise<T> => {
    const token = (JSON.parse(await readFile(path.join(server.home, 'config.json'), 'utf8')) as { token: string }).token;
    const res = await fetch(server.url + url, { method, headers: { authorization: `Bearer ${token}` } });
    return (await res.json()) as T;
  };

  it('counts running background agents on the session and lists them with their status', async () => {
    const { page } = browser;
    llm.push(
      {
        match: { lastUserIncludes: 'split the work' },
        toolCalls: [
          { name: 'spawn_subagent', arguments: { prompt: 'summarize the readme', label: 'Summarize README', isolation: 'shared' } },
          { name: 'spawn_subagent', arguments: { prompt: 'audit the dependencies', label: 'Audit dependencies', isolation: 'shared' } },
        ],
      },
      { match: { lastUserIncludes: 'summarize the readme' }, text: 'It is a demo.' },
      // Still thinking until the test cancels it.
      { match: { lastUserIncludes: 'audit the dependencies' }, stallAfter: 0, text: 'never' },
      { match: { lastUserIncludes: 'split the work' }, text: 'Two helpers are on it.' },
      // The finished helper's result comes back in a follow-up turn.
      { match: { lastUserIncludes: 'subagent-result' }, text: 'Noted the summary.' },
    );
    await send(page, 'split the work');
    await page.getByText('Two helpers are on it.').waitFor({ timeout: 60_000 });
    const badge = page.getByRole('button', { name: '1 background agent' });
    await badge.waitFor({ timeout: 60_000 });
    await badge.click();
    const pane = page.getByRole('list', { name: 'Background agents' });
    await pane.getByText('Summarize README').waitFor();
    const audit = pane.locator('li', { hasText: 'Audit dependencies' });
    await expect.poll(() => audit.getByText('Running').count()).toBe(1);
    await expect.poll(() => pane.locator('li', { hasText: 'Summarize README' }).getByText('Done').count()).toBe(1);
    await screenshotBothThemes(page, 'subagents-running');
    await page.setViewportSize({ width: 390, height: 800 });
    await screenshotBothThemes(page, 'subagents-running-390');
    await page.setViewportSize({ width: 1280, height: 800 });

    // The running one is cancelled: the badge goes, the pane says so.
    const { items } = await api<SubagentList>('GET', `/api/sessions/${sessionId}/subagents`);
    const running = items.find((a) => a.label === 'Audit dependencies')!;
    await api('POST', `/api/tasks/${running.id}/cancel`);
    await expect.poll(() => audit.getByText('Cancelled').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByRole('button', { name: /^\d+ background agents?$/ }).count()).toBe(0);
    await screenshotBothThemes(page, 'subagents-finished');

    // A child's transcript opens as its own chat.
    await pane.locator('li', { hasText: 'Summarize README' }).getByRole('button', { name: 'Open transcript' }).click();
    await expect.poll(() => page.getByRole('tab', { name: 'Summarize README', selected: true }).count()).toBe(1);
    await page.getByText('summarize the readme').waitFor();

    // The finished one's result came back in a follow-up turn in the parent's chat: a note from BooCode, not from "You".
    await page.getByRole('tab', { name: 'Chat 1' }).click();
    await page.getByText('Noted the summary.').waitFor({ timeout: 60_000 });
    const note = page.getByRole('article', { name: /^BooCode/ });
    await note.getByText('Summarize README').waitFor();
    expect(await note.getByText(/finished/).count()).toBe(1);
    expect(await page.getByText('<subagent-result', { exact: false }).count()).toBe(0);
    expect(await note.getByText('It is a demo.').isVisible()).toBe(false);
    await note.getByText('Summarize README').click();
    await note.getByText('It is a demo.').waitFor();
    await note.scrollIntoViewIfNeeded();
    await screenshotBothThemes(page, 'subagents-result-note');
    // On a phone the pane would cover the chat.
    await page.getByRole('button', { name: 'Close background agents' }).click();
    await page.setViewportSize({ width: 390, height: 800 });
    await note.scrollIntoViewIfNeeded();
    await screenshotBothThemes(page, 'subagents-result-note-390');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("shows a child's own changes from the pane and nests its turn under the spawning call in the traces", async () => {
    const { page } = browser;
    await newSession(page, 'demo');
    llm.push(
      {
        match: { lastUserIncludes: 'hand off the changelog' },
        toolCalls: [
          { name: 'spawn_subagent', arguments: { prompt: 'write a changelog file', label: 'Write changelog' } },
          { name: 'spawn_subagent', arguments: { prompt: 'read the readme aloud', label: 'Read README', isolation: 'shared' } },
        ],
      },
      { match: { lastUserIncludes: 'write a changelog file' }, toolCalls: [{ name: 'write_file', arguments: { path: 'CHANGELOG.md', content: '# Changelog\n\n- First entry\n' } }] },
      { match: { lastUserIncludes: 'write a changelog file' }, text: 'Wrote CHANGELOG.md.' },
      { match: { lastUserIncludes: 'read the readme aloud' }, text: 'It says Demo.' },
      {
        match: { lastUserIncludes: 'hand off the changelog' },
        toolCalls: [0, 1].map((i) => ({ name: 'subagent_result', arguments: { id: `{{tool_uuid:${i}}}`, wait_seconds: 120 } })),
      },
      { match: { lastUserIncludes: 'hand off the changelog' }, text: 'The changelog is written.' },
    );
    await send(page, 'Please hand off the changelog');
    await page.getByText('The changelog is written.').waitFor({ timeout: 60_000 });

    await page.getByRole('button', { name: 'Show background agents' }).click();
    const pane = page.getByRole('list', { name: 'Background agents' });
    const writer = pane.locator('li', { hasText: 'Write changelog' });
    await expect.poll(() => writer.getByText('Done').count(), { timeout: 30_000 }).toBe(1);
    // The child sharing the session's worktree has no diff of its own, and says so.
    await pane.locator('li', { hasText: 'Read README' }).getByText("its changes are in the session's diff").waitFor();
    await writer.getByRole('button', { name: 'Show changes' }).click();
    await writer.getByRole('list', { name: 'Changed files' }).getByText('CHANGELOG.md').waitFor();
    await writer.getByRole('region', { name: 'Diff of CHANGELOG.md' }).getByText('First entry').waitFor();
    await screenshotBothThemes(page, 'subagents-diff');
    await page.setViewportSize({ width: 390, height: 800 });
    await screenshotBothThemes(page, 'subagents-diff-390');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Close background agents' }).click();

    // In the traces, each spawn_subagent call holds the child's turn; opened, the child's own calls.
    await page.getByRole('button', { name: 'Show tool traces' }).click();
    const nested = page.getByRole('list', { name: 'Background agents started by spawn_subagent' });
    await expect.poll(() => nested.count(), { timeout: 30_000 }).toBe(2);
    const child = nested.getByRole('button', { name: /^Write changelog/ });
    await child.click();
    const calls = page.getByRole('list', { name: 'Calls of Write changelog' });
    await calls.getByText('write_file').waitFor();
    await calls.getByText(/^model call \d+$/).first().waitFor();
    await screenshotBothThemes(page, 'subagents-traces');
    await page.setViewportSize({ width: 390, height: 800 });
    await calls.scrollIntoViewIfNeeded();
    await screenshotBothThemes(page, 'subagents-traces-390');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
