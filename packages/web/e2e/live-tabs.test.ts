import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makeGitRepo } from '@boocode/testkit/server';
import { openBrowser, type Browser } from './helpers/browser';
import { logIn, startBoocode, type RunningBoocode } from './helpers/server';

/**
 * Two tabs on one server: what one tab does shows up in the other through the WebSockets
 * (user-level events for the sidebar, the session stream for chats and messages), and a
 * server restart is survived with a visible "Reconnecting" state and nothing lost.
 */
describe('live across tabs and restarts', () => {
  let server: RunningBoocode;
  let browser: Browser;
  let second: Page;
  let repo: string;

  beforeAll(async () => {
    [server, browser, repo] = await Promise.all([startBoocode(), openBrowser(), makeGitRepo({ 'a.txt': 'a\n' }, 'live')]);
    await logIn(browser.page, server);
    second = await browser.newTab();
    await second.goto(server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows a project and a session created in one tab in the other tab', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Add project' }).click();
    await page.getByLabel('Repository path').fill(repo);
    await page.getByRole('form', { name: 'Add project' }).getByRole('button', { name: 'Add project' }).click();
    await second.getByRole('button', { name: 'New session in live' }).waitFor();

    await page.getByRole('button', { name: 'New session in live' }).click();
    await page.getByRole('tab', { name: 'Chat 1' }).waitFor();
    const sessionId = new URL(page.url()).searchParams.get('session')!;
    await second.locator(`a.session-link[href*="${sessionId}"]`).waitFor();
  });

  it('shows chats and messages from one tab in the other', async () => {
    const { page } = browser;
    await second.goto(page.url());
    await second.getByRole('tab', { name: 'Chat 1' }).waitFor();

    await page.getByRole('button', { name: 'New chat' }).click();
    await second.getByRole('tab', { name: 'Chat 2' }).waitFor();

    // Tabs follow the WAI-ARIA pattern: arrow keys move between chats.
    await page.getByRole('tab', { name: 'Chat 2' }).click();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByRole('tab', { name: 'Chat 1' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Chat 1');
    await second.getByRole('tab', { name: 'Chat 1' }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('hello from the first tab');
    await box.press('Enter');
    await second.getByTestId('message-list').getByText('hello from the first tab').waitFor();
  });

  it('says it is reconnecting while the server is down and catches up after a restart', async () => {
    const { page } = browser;
    const restarted = server.restart();
    await page.getByText('Reconnecting…').first().waitFor();
    await restarted;
    await expect.poll(() => page.getByText('Live', { exact: true }).count(), { timeout: 30_000 }).toBe(1);
    await page.getByTestId('message-list').getByText('hello from the first tab').waitFor();

    // The stream is live again: a message posted from the other tab arrives here.
    const box = second.getByRole('textbox', { name: 'Message' });
    await box.fill('after the restart');
    await box.press('Enter');
    await page.getByTestId('message-list').getByText('after the restart').waitFor();
  });
});
