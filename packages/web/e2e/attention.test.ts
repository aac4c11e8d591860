import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AgentModelsResponse, Chat, MessagePage, Project, Session } from '@boocode/contracts';
import { recordNotifications, recordedNotifications, type Browser } from './helpers/browser';
import { screenshotBothThemes, screenshotDialogBothThemes } from './helpers/screenshots';
import { chooseAgent, startWithFakeAcp } from './helpers/fake-acp';
import { logIn, type RunningBoocode } from './helpers/server';
import { addProject, lastReply, newSession, send } from './helpers/ui';

/**
 * What tells a person that a session wants them, against a real server and the fake ACP agent:
 * the sidebar badge (stored on the server, so it survives a reload), the tab title, the favicon
 * and a browser notification (the Notification API stubbed at the browser boundary); and the
 * everyday rough edges: a turn lost to kill -9, a turn error, Escape, narrow screens.
 */
describe('attention and daily use in Chromium', () => {
  let server: RunningBoocode;
  let browser: Browser;
  let first: string;
  let second: string;

  /** The API as a script would use it, for turns started while the page looks elsewhere. */
  const postIn = async (sessionId: string, content: string) => {
    const chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${sessionId}/chats`)).items[0]!;
    await server.api('POST', `/api/chats/${chat.id}/messages`, { content });
  };
  const badgeOf = (page: Page, sessionId: string) => page.locator(`a.session-link[href*="${sessionId}"] .badge`);
  const notes = recordedNotifications;

  beforeAll(async () => {
    // A lease that outlasts the restart: the page is back on the new server, showing the
    // message as stored (still streaming), before the lost turn is recovered.
    let repo: string;
    ({ server, browser, repo } = await startWithFakeAcp('daily', {
      name: 'fake-acp',
      // No session to load: a turn cut off by a crash ends interrupted instead of continuing.
      capabilities: { loadSession: false },
      turns: [
        { match: 'edit please', steps: [{ tool: { id: 't1', title: 'Edit a.txt', kind: 'edit', input: { path: 'a.txt' }, permission: true, output: 'edited' } }, { text: 'Edited.' }] },
        { match: 'crash now', steps: [{ text: 'about to die' }, { crash: 3 }] },
        { match: 'keep going', steps: [{ text: 'Working on it, ' }, { waitForCancel: true }] },
        { match: 'hello', steps: [{ text: 'Hello back.' }] },
        { match: 'Continue from where you stopped', steps: [{ text: 'Picked it up again.' }] },
      ],
    }, { env: { BOOCODE_LEASE_MS: '20000' } }));
    // The browser boundary: notifications recorded instead of shown, and a way to hide the page.
    await recordNotifications(browser.context);
    const { page } = browser;
    await logIn(page, server);
    await addProject(page, repo);
    for (const which of ['first', 'second'] as const) {
      const id = await newSession(page, 'daily');
      await chooseAgent(page);
      if (which === 'first') first = id;
      else second = id;
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('closes the add-project form and the drawer with Escape wherever focus is', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Add project' }).click();
    await page.getByRole('form', { name: 'Add project' }).waitFor();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByRole('form', { name: 'Add project' }).waitFor({ state: 'detached' });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Show projects' }).click();
    await page.locator('#sidebar').waitFor();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Escape');
    await page.locator('#sidebar').waitFor({ state: 'hidden' });
  });

  it('fits the composer and the remove-project question on a phone', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/?session=${first}`);
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    const overflow = (selector: string, container: string) =>
      page.evaluate(
        ([sel, box]) => {
          const limit = document.querySelector(box)!.getBoundingClientRect().right;
          return Math.max(...[...document.querySelectorAll(sel)].map((el) => el.getBoundingClientRect().right)) - limit;
        },
        [selector, container] as const,
      );
    expect(await overflow('.composer *', '.composer')).toBeLessThanOrEqual(0);
    await screenshotBothThemes(page, 'composer-390');

    await page.getByRole('button', { name: 'Show projects' }).click();
    await page.getByRole('button', { name: 'Remove project daily' }).click();
    await page.getByRole('group', { name: 'Remove project daily' }).waitFor();
    expect(await overflow('.project__head *', '.sidebar')).toBeLessThanOrEqual(0);
    await screenshotBothThemes(page, 'remove-project-390');
    await page.getByRole('group', { name: 'Remove project daily' }).getByRole('button', { name: 'Cancel' }).click();
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows a turn error once, in the agent reply', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/?session=${first}`);
    await send(page, 'crash now');
    await lastReply(page).locator('.message__error').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('message-list').locator('.message__error').count()).toBe(1);
    expect(await page.getByRole('article', { name: /^You/ }).last().locator('.message__error').count()).toBe(0);
  });

  it('notifies and counts in the title when a background session asks for permission, and keeps the badge over a reload', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/?session=${first}`);
    await page.getByRole('button', { name: 'Notifications' }).click();
    await page.getByLabel('Show a browser notification').check();
    await page.getByRole('button', { name: 'Notifications' }).click();
    expect(await page.title()).toBe('BooCode');

    await postIn(second, 'edit please');
    await badgeOf(page, second).filter({ hasText: 'needs permission' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.title()).toBe('(1) BooCode');
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toContain('e5484d');
    await expect.poll(() => notes(page)).toEqual([{ title: expect.any(String), body: 'The agent is asking for your permission.' }]);
    await screenshotBothThemes(page, 'attention-permission');

    await page.reload();
    await badgeOf(page, second).filter({ hasText: 'needs permission' }).waitFor();
    await expect.poll(() => page.title()).toBe('(1) BooCode');
    // The reload itself does not ring again.
    expect(await notes(page)).toEqual([]);

    // Answering in the session, with the page on it: it finishes seen, and every sign goes.
    await page.locator(`a.session-link[href*="${second}"]`).click();
    await page.getByLabel('Permission request: Edit a.txt').getByRole('button', { name: 'Allow', exact: true }).click();
    await lastReply(page).getByText('Edited.').waitFor({ timeout: 20_000 });
    await badgeOf(page, second).waitFor({ state: 'detached' });
    await expect.poll(() => page.title()).toBe('BooCode');
  });

  it('keeps a failed badge over a reload until the session is opened', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/?session=${first}`);
    await postIn(second, 'crash now');
    await badgeOf(page, second).filter({ hasText: 'failed' }).waitFor({ timeout: 30_000 });
    await page.reload();
    await badgeOf(page, second).filter({ hasText: 'failed' }).waitFor();
    await page.locator(`a.session-link[href*="${second}"]`).click();
    await badgeOf(page, second).waitFor({ state: 'detached' });
  });

  it('shows every session on the board with its state, filters and sorts it, and opens a row by keyboard', async () => {
    const { page } = browser;
    const [project] = (await server.api<{ items: Project[] }>('GET', '/api/projects')).items;
    const third = await server.api<Session>('POST', '/api/sessions', { project_id: project!.id, name: 'Quiet one', agent: 'fakeacp' });
    await page.goto(`${server.url}/?view=board`);
    await page.getByRole('heading', { name: 'All sessions' }).waitFor();
    await postIn(second, 'edit please');
    await postIn(first, 'hello');
    const row = (id: string) => page.locator(`tr:has(a[href*="${id}"])`);
    await row(second).getByText('needs permission').waitFor({ timeout: 30_000 });
    await row(first).getByText('finished').waitFor({ timeout: 30_000 });
    await row(third.id).getByText('idle').waitFor();
    const order = () => page.locator('a.board__open').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).searchParams.get('session')));
    await page.getByRole('button', { name: 'Status' }).click();
    expect(await order()).toEqual([second, first, third.id]);
    await screenshotBothThemes(page, 'board');

    await page.getByLabel('Status').selectOption('permission');
    expect(await order()).toEqual([second]);
    await page.getByLabel('Status').selectOption('');

    // Keyboard only: into the table, down a row, open it.
    await page.locator('a.board__open').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('session') === first);
    await page.getByRole('tab', { name: 'Chat 1' }).waitFor();

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/?view=board`);
    await row(second).waitFor();
    await screenshotBothThemes(page, 'board-390');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${server.url}/?session=${second}`);
    await page.getByLabel('Permission request: Edit a.txt').getByRole('button', { name: 'Allow', exact: true }).click();
    await lastReply(page).getByText('Edited.').waitFor({ timeout: 20_000 });
  });

  it('goes to a session from the command palette and shows the shortcuts, by keyboard only', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/?view=board`);
    await page.getByRole('heading', { name: 'All sessions' }).waitFor();
    await page.keyboard.press('Control+k');
    const input = page.getByRole('combobox', { name: 'Command' });
    await input.waitFor();
    await page.keyboard.type('quiet');
    await page.getByRole('listbox', { name: 'Commands' }).getByRole('option', { name: /Go to Quiet one/ }).waitFor();
    await screenshotDialogBothThemes(page, 'palette');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('x');
    await page.getByRole('listbox', { name: 'Commands' }).getByText('Nothing matches “quiex”.').waitFor();
    expect(await page.getByRole('listbox', { name: 'Commands' }).getByRole('option').count()).toBe(0);
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Command palette' }).waitFor({ state: 'detached' });
    await page.waitForURL((u) => (u.searchParams.get('session') ?? '') !== '' && !u.searchParams.has('view'));
    await page.getByRole('tab', { name: 'Chat 1' }).waitFor();
    await page.getByRole('heading', { name: 'Quiet one', level: 1 }).waitFor();

    // `/` writes a message; `?` (outside a field) lists the shortcuts; Escape closes the list.
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Message');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Shift+Slash');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await screenshotDialogBothThemes(page, 'shortcuts');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'detached' });
  });

  it('starts a session from the dialog with an ACP agent, its model, a policy and a name', async () => {
    const { page } = browser;
    const fake = await server.api<AgentModelsResponse>('GET', '/api/agents/fakeacp/models');
    await page.goto(`${server.url}/?view=board`);
    await page.getByRole('button', { name: 'Start a session in daily, choosing agent and options' }).click();
    const dialog = page.getByRole('dialog', { name: 'New session in daily' });
    await dialog.getByLabel('Name').fill('Dialog made');
    await dialog.getByLabel('Agent').selectOption('fakeacp');
    // The agent's own list when it reported one; free text only where there is none.
    const chosenModel = fake.models[1]?.id ?? 'fake/beta';
    if (fake.models.length > 0) {
      await expect
        .poll(() => dialog.getByRole('combobox', { name: 'Model' }).locator('option').allTextContents(), { timeout: 60_000 })
        .toEqual(["The agent's default", ...fake.models.map((m) => m.name ?? m.id)]);
      await dialog.getByRole('combobox', { name: 'Model' }).selectOption(chosenModel);
    } else {
      await dialog.getByRole('textbox', { name: 'Model' }).fill(chosenModel);
    }
    await dialog.getByLabel('Permissions').selectOption('allow_edits');
    await screenshotDialogBothThemes(page, 'new-session-dialog');
    await dialog.getByRole('button', { name: 'Start session' }).click();
    await page.getByRole('heading', { name: 'Dialog made', level: 1 }).waitFor();
    const id = new URL(page.url()).searchParams.get('session')!;
    expect(await server.api<Session>('GET', `/api/sessions/${id}`)).toMatchObject({ name: 'Dialog made', agent: 'fakeacp', model: chosenModel, permission_policy: 'allow_edits', isolated: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Show projects' }).click();
    await page.getByRole('button', { name: 'Start a session in daily, choosing agent and options' }).click();
    await page.getByRole('dialog', { name: 'New session in daily' }).waitFor();
    await screenshotDialogBothThemes(page, 'new-session-dialog-390');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'New session in daily' }).waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('settles a reply interrupted by kill -9 once the server is back, without a reload', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/?session=${first}`);
    await send(page, 'keep going');
    await lastReply(page).getByText('Working on it,').waitFor({ timeout: 30_000 });
    // Crash once the partial text is stored (writes are coalesced), as a real crash mid-turn would find it.
    const chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${first}/chats`)).items[0]!;
    await expect
      .poll(async () => (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).items.some((m) => m.content.startsWith('Working on it')), { timeout: 20_000 })
      .toBe(true);
    expect(await lastReply(page).getAttribute('aria-busy')).toBe('true');

    server.process.child.kill('SIGKILL');
    await server.process.exited;
    await server.restart();
    await expect.poll(() => lastReply(page).getAttribute('aria-busy'), { timeout: 60_000 }).toBe('false');
    await lastReply(page).getByText(/BooCode restarted while this answer was being written/).waitFor();
    expect(await lastReply(page).getByText('streaming…').count()).toBe(0);
    expect(await lastReply(page).getByText('Working on it,').count()).toBe(1);

    // The agent could not continue by itself (no session to load): Continue asks it to, in a new turn.
    await lastReply(page).getByRole('group', { name: 'Recover this turn' }).getByRole('button', { name: 'Continue' }).click();
    await expect
      .poll(async () => (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).items.filter((m) => m.role === 'user').at(-1)?.content, { timeout: 20_000 })
      .toMatch(/^Your previous answer stopped before it was finished: BooCode restarted while you were working\. Continue/);
    await lastReply(page).getByText('Picked it up again.').waitFor({ timeout: 60_000 });
    await screenshotBothThemes(page, 'recover-interrupted-continued');
  });
});
