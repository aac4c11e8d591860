import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Chat, MessagePage, Session } from '@boocode/contracts';
import type { Browser } from './helpers/browser';
import { screenshotBothThemes } from './helpers/screenshots';
import { chooseAgent, startWithFakeAcp } from './helpers/fake-acp';
import { logIn, type RunningBoocode } from './helpers/server';
import { addProject, lastReply, newSession, send } from './helpers/ui';

/**
 * Recovering from a turn that ended badly (Retry, Continue, Edit and resend), its error as a
 * sentence, and managing sessions (automatic title, rename, permission policy, archive and
 * unarchive, log out all browsers), in Chromium against a real server and the fake ACP agent.
 */
describe('recover and session management in Chromium', () => {
  let server: RunningBoocode;
  let browser: Browser;
  let sessionId: string;

  const messages = async () => {
    const chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${sessionId}/chats`)).items[0]!;
    return (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).items;
  };
  const recoverGroup = (page: Page) => page.getByRole('group', { name: 'Recover this turn' });

  beforeAll(async () => {
    let repo: string;
    ({ server, browser, repo } = await startWithFakeAcp('recover', {
      name: 'fake-acp',
      turns: [
        // Each turn answers once: the first "flaky" fails, the retry gets the second.
        { match: 'flaky job', error: { code: -32000, message: 'upstream answered 429 Too Many Requests' } },
        { match: 'flaky job', steps: [{ text: 'Done on the second try.' }] },
        { match: 'long job', steps: [{ text: 'Started the long job, ' }, { waitForCancel: true }] },
        { match: 'long job', steps: [{ text: 'Started the long job, ' }, { waitForCancel: true }] },
        { match: 'name yourself', steps: [{ title: 'Agent chosen title' }, { text: 'Named.' }] },
        { match: 'name yourself', steps: [{ title: 'Ignored title' }, { text: 'Named again.' }] },
        { match: 'Continue from where you stopped', steps: [{ text: 'Carried on and finished.' }] },
      ],
      fallback: { steps: [{ text: 'ok' }] },
    }));
    const { page } = browser;
    await logIn(page, server);
    await addProject(page, repo);
    sessionId = await newSession(page, 'recover');
    await chooseAgent(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('names the session from its first prompt, shows a failed turn as a sentence, and retries it', async () => {
    const { page } = browser;
    await send(page, 'flaky job: tidy the README');
    const link = page.locator(`a.session-link[href*="${sessionId}"]`);
    await link.getByText('flaky job: tidy the README').waitFor({ timeout: 30_000 });

    const error = lastReply(page).getByRole('alert');
    await error.getByText('The agent reported an error.').waitFor({ timeout: 60_000 });
    // The code and the agent's own words are folded under Details, not in the sentence.
    expect(await error.innerText()).not.toMatch(/agent_error|agent_crashed|\{/);
    await error.getByText('Details').click();
    await error.getByText(/upstream answered 429/).waitFor();
    await recoverGroup(page).waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });
    await screenshotBothThemes(page, 'recover-failed-turn');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshotBothThemes(page, 'recover-failed-turn-390');
    await page.setViewportSize({ width: 1280, height: 800 });

    await recoverGroup(page).getByRole('button', { name: 'Retry' }).click();
    await lastReply(page).getByText('Done on the second try.').waitFor({ timeout: 60_000 });
    const users = (await messages()).filter((m) => m.role === 'user');
    expect(users.map((m) => m.content)).toEqual(['flaky job: tidy the README', 'flaky job: tidy the README']);
    // The turn ended well: nothing to recover any more.
    expect(await recoverGroup(page).count()).toBe(0);
  });

  it('continues a cancelled turn, offers nothing to recover while a turn runs, and puts a prompt back to edit', async () => {
    const { page } = browser;
    await send(page, 'long job please');
    await lastReply(page).getByText('Started the long job,').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: /^Stop/ }).click();
    await recoverGroup(page).waitFor({ timeout: 30_000 });
    const cont = recoverGroup(page).getByRole('button', { name: 'Continue' });
    expect(await cont.isEnabled()).toBe(true);
    await cont.click();
    await lastReply(page).getByText('Carried on and finished.').waitFor({ timeout: 60_000 });
    const last = (await messages()).filter((m) => m.role === 'user').at(-1)!;
    expect(last.content).toMatch(/^Your previous answer stopped before it was finished: it was cancelled\./);
    await screenshotBothThemes(page, 'recover-continued-turn');

    // Edit and resend on a new cancelled turn: the prompt comes back in the input box, editable.
    await send(page, 'long job again');
    await lastReply(page).getByText('Started the long job,').waitFor({ timeout: 60_000 });
    // While the turn runs, the earlier turns offer nothing to recover.
    expect(await recoverGroup(page).count()).toBe(0);
    await page.getByRole('button', { name: /^Stop/ }).click();
    await recoverGroup(page).getByRole('button', { name: 'Edit and resend' }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await expect.poll(() => box.inputValue(), { timeout: 10_000 }).toBe('long job again');
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    await box.fill('');
  });

  it("takes the agent's own title over the first prompt's", async () => {
    const { page } = browser;
    await send(page, 'name yourself');
    await lastReply(page).getByText('Named.').waitFor({ timeout: 60_000 });
    await page.locator(`a.session-link[href*="${sessionId}"]`).getByText('Agent chosen title').waitFor({ timeout: 30_000 });
  });

  it('renames a session in the sidebar and the header, and keeps the name', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Rename Agent chosen title' }).click();
    const form = page.getByRole('form', { name: 'Rename Agent chosen title' });
    await form.getByRole('textbox', { name: 'Session name' }).fill('   ');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('A session needs a name.').waitFor();
    await form.getByRole('textbox', { name: 'Session name' }).fill('README tidy-up');
    await screenshotBothThemes(page, 'rename-session');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.locator(`a.session-link[href*="${sessionId}"]`).getByText('README tidy-up').waitFor();
    await page.getByRole('heading', { name: 'README tidy-up' }).waitFor();

    await page.getByRole('button', { name: 'Rename session' }).click();
    await page.getByRole('textbox', { name: 'Session name' }).fill('Docs pass');
    await page.getByRole('textbox', { name: 'Session name' }).press('Enter');
    await page.getByRole('heading', { name: 'Docs pass' }).waitFor();
    expect((await server.api<Session>('GET', `/api/sessions/${sessionId}`)).name).toBe('Docs pass');
    // The user's name stays when the agent names its session again.
    await send(page, 'name yourself');
    await lastReply(page).getByText('Named again.').waitFor({ timeout: 60_000 });
    // Settled: the turn's writes (the title among them) are stored before it ends.
    await expect.poll(() => lastReply(page).getAttribute('aria-busy'), { timeout: 30_000 }).toBe('false');
    expect((await server.api<Session>('GET', `/api/sessions/${sessionId}`)).name).toBe('Docs pass');
  });

  it('changes the permission policy between turns', async () => {
    const { page } = browser;
    await page.getByRole('combobox', { name: 'Permissions' }).selectOption({ label: 'Allow edits' });
    await expect.poll(async () => (await server.api<Session>('GET', `/api/sessions/${sessionId}`)).permission_policy, { timeout: 20_000 }).toBe('allow_edits');
  });

  it('lists archived sessions under their project and unarchives one', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Archive session' }).click();
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    await page.getByText('This session is archived').waitFor({ timeout: 30_000 });
    await page.locator(`a.session-link[href*="${sessionId}"]`).waitFor({ state: 'detached' });
    // An archived session's turns cannot be recovered: no buttons that would only be refused.
    expect(await recoverGroup(page).count()).toBe(0);
    await page.getByRole('button', { name: 'Archived (1)' }).click();
    const list = page.getByRole('list', { name: 'Archived sessions of recover' });
    await list.getByText('Docs pass').waitFor();
    await screenshotBothThemes(page, 'archived-sessions');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Show projects' }).click();
    await list.waitFor();
    await screenshotBothThemes(page, 'archived-sessions-390');
    await list.getByRole('button', { name: 'Unarchive Docs pass' }).click();
    await page.locator(`a.session-link[href*="${sessionId}"]`).waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });
    expect((await server.api<Session>('GET', `/api/sessions/${sessionId}`)).status).toBe('open');
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
  });

  it('logs out every browser after a confirmation', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Log out all browsers' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Log out all browsers' }).click();
    await page.getByRole('button', { name: 'Log out all' }).click();
    await page.getByLabel('Login link or API token').waitFor({ timeout: 20_000 });
    await page.reload();
    await page.getByLabel('Login link or API token').waitFor({ timeout: 20_000 });
  });
});
