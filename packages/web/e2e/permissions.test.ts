import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Browser } from './helpers/browser';
import { screenshotBothThemes } from './helpers/screenshots';
import { chooseAgent, startWithFakeAcp } from './helpers/fake-acp';
import { logIn, type RunningBoocode } from './helpers/server';
import { addProject, lastReply, newSession, send } from './helpers/ui';

/**
 * A permission request from an ACP agent (the fake ACP agent, a real ACP process) answered in
 * one tab: both tabs show the card, the answer reaches the agent, and both tabs show the outcome.
 */
describe('permissions in Chromium', () => {
  let server: RunningBoocode;
  let browser: Browser;
  let other: Page;

  beforeAll(async () => {
    let repo: string;
    ({ server, browser, repo } = await startWithFakeAcp('perm', {
      name: 'fake-acp',
      turns: [
        {
          match: 'edit please',
          steps: [
            { text: 'I will edit a.txt.' },
            { tool: { id: 't1', title: 'Edit a.txt', kind: 'edit', input: { path: 'a.txt' }, permission: true, output: 'edited' } },
            { text: ' Done.' },
          ],
        },
      ],
    }));
    const { page } = browser;
    await logIn(page, server);
    await addProject(page, repo);
    await newSession(page, 'perm');
    await chooseAgent(page);
    other = await browser.newTab();
    await other.goto(page.url());
    await other.getByRole('tab', { name: 'Chat 1' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the request in every tab, sends the answer, and shows the outcome everywhere', async () => {
    const { page } = browser;
    await send(page, 'edit please');
    const card = page.getByLabel('Permission request: Edit a.txt');
    const otherCard = other.getByLabel('Permission request: Edit a.txt');
    await card.waitFor({ timeout: 20_000 });
    await otherCard.waitFor();
    expect(await card.getByRole('button').allTextContents()).toEqual(['Allow', 'Always allow', 'Deny']);
    await page.getByText('Waiting for your permission').waitFor();
    await screenshotBothThemes(page, 'permission');

    await card.getByRole('button', { name: 'Allow', exact: true }).click();
    await card.getByText('Allowed once — answered').waitFor();
    await otherCard.getByText('Allowed once — answered').waitFor();
    expect(await otherCard.getByRole('button').count()).toBe(0);
    await lastReply(page).getByText('Done.').waitFor({ timeout: 20_000 });
    await lastReply(other).getByText('Done.').waitFor();
  });

  it('keeps the answered request after a reload', async () => {
    const { page } = browser;
    await page.reload();
    await page.getByLabel('Permission request: Edit a.txt').getByText('Allowed once — answered').waitFor();
  });
});
