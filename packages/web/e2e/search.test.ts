import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat, Message, MessagePage, Project, Session } from '@boocode/contracts';
import { until } from '@boocode/testkit/server';
import type { Browser } from './helpers/browser';
import { screenshotDialogBothThemes } from './helpers/screenshots';
import { startWithFakeAcp } from './helpers/fake-acp';
import { logIn, type RunningBoocode } from './helpers/server';

/** Searching messages from the command palette, against a real server and the fake ACP agent. */
describe('message search in Chromium', () => {
  let server: RunningBoocode;
  let browser: Browser;
  let older: Session;
  let current: Session;
  let needle: Message;

  /** Posts a prompt and waits for the agent's reply to be stored. */
  const converse = async (session: Session, content: string): Promise<Message> => {
    const chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).items[0]!;
    const posted = await server.api<{ message: Message }>('POST', `/api/chats/${chat.id}/messages`, { content });
    const answered = async () => {
      const items = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages?limit=200`)).items;
      const done = items.filter((m) => m.role === 'assistant' && m.status === 'complete').length;
      return done === items.filter((m) => m.role === 'user').length;
    };
    await until(answered, `the reply to "${content}"`, 90_000);
    return posted.message;
  };

  beforeAll(async () => {
    let repo: string;
    ({ server, browser, repo } = await startWithFakeAcp('searchable', { name: 'fake-acp', fallback: { steps: [{ text: 'Noted.' }] } }));
    const project = await server.api<Project>('POST', '/api/projects', { path: repo });
    older = await server.api<Session>('POST', '/api/sessions', { project_id: project.id, name: 'Older work', agent: 'fakeacp' });
    current = await server.api<Session>('POST', '/api/sessions', { project_id: project.id, name: 'Today', agent: 'fakeacp' });
    needle = await converse(older, 'Where did the pelican config end up?');
    // Enough later turns that the hit is off screen when the chat opens at its newest message.
    for (let i = 0; i < 12; i++) await converse(older, `Filler turn ${i} about something else entirely.`);
    await logIn(browser.page, server);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('finds a message from the palette and opens its session scrolled to it, highlighted', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/?session=${current.id}`);
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Command' }).fill('pelican');
    const hit = page.getByRole('option').filter({ has: page.locator('mark', { hasText: 'pelican' }) });
    await hit.waitFor({ timeout: 30_000 });
    expect(await hit.textContent()).toContain('Older work');
    await screenshotDialogBothThemes(page, 'palette-search');
    // Keyboard only: the hit is the one option left, so Enter runs it.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('session') === older.id && u.hash === `#pin=${needle.id}`);
    const row = page.locator('.message--pinned', { hasText: 'pelican' });
    await row.waitFor({ timeout: 30_000 });
    await expect.poll(() => row.isVisible()).toBe(true);
    const inView = await row.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const box = el.closest('.message-list')!.getBoundingClientRect();
      return r.bottom > box.top && r.top < box.bottom;
    });
    expect(inView).toBe(true);
  });

  it('shows no hits, and no error, for a query with nothing to search for', async () => {
    const { page } = browser;
    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Command' }).fill('!!!');
    await page.getByText('Nothing matches “!!!”.').waitFor();
    await page.keyboard.press('Escape');
  });
});
