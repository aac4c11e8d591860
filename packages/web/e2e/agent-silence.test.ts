import { afterAll, beforeAll, describe, it } from 'vitest';
import type { LoginCode } from '@boocode/contracts';
import { openBrowser, type Browser } from './helpers/browser';
import { chooseAgent, startWithFakeAcp } from './helpers/fake-acp';
import { screenshotBothThemes } from './helpers/screenshots';
import { logIn, type RunningBoocode } from './helpers/server';
import { addProject, lastReply, newSession, send } from './helpers/ui';

/**
 * An ACP agent that stays connected but says nothing (the fake agent's `hang`), with a short
 * `acp.silenceMs`: the chat shows the notice while the turn runs, then the sentence it ended with.
 */
describe('an ACP agent that goes silent, in Chromium', { timeout: 240_000 }, () => {
  let server: RunningBoocode;
  let browser: Browser;
  let phone: Browser;
  let repo: string;

  beforeAll(async () => {
    ({ server, browser, repo } = await startWithFakeAcp(
      'silence',
      { name: 'fake-acp', turns: [{ match: 'think hard', steps: [{ text: 'Thinking it over.' }, { hang: true }] }] },
      { acp: { silenceMs: 3_000, cancelGraceMs: 500 } },
    ));
    phone = await openBrowser({ width: 390, height: 844 });
    await logIn(browser.page, server);
    await addProject(browser.page, repo);
  });
  afterAll(async () => {
    await phone?.close();
    await browser?.close();
    await server?.stop();
  });

  it('shows "No word from" while the turn runs, then why it was stopped', async () => {
    const { page } = browser;
    const id = await newSession(page, 'silence');
    await chooseAgent(page);
    await send(page, 'think hard');
    await lastReply(page).getByText('No word from fakeacp for 3 seconds').waitFor({ timeout: 60_000 });
    await screenshotBothThemes(page, 'agent-silence-notice');
    await lastReply(page).getByText(/so BooCode cancelled the turn; it did not answer that either, so it was stopped/).waitFor({ timeout: 60_000 });
    await screenshotBothThemes(page, 'agent-silence-stopped');
    // The printed login URL works once: the phone logs in with a code of its own.
    const code = await server.api<LoginCode>('POST', '/api/auth/codes');
    await phone.page.goto(server.url + code.url_path);
    await phone.page.waitForURL(`${server.url}/`);
    await phone.page.goto(`${server.url}/?session=${id}`);
    await lastReply(phone.page).getByText(/so BooCode cancelled the turn/).waitFor({ timeout: 60_000 });
    await screenshotBothThemes(phone.page, 'agent-silence-phone');
  });
});
