import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatList, Session } from '@boocode/contracts';
import { openNativeSession, type NativeSession } from './helpers/native-session';
import { screenshotBothThemes } from './helpers/screenshots';
import { lastReply, send } from './helpers/ui';

/**
 * Opening a session page with a history: the API requests it makes (none twice, none waiting on
 * the chat list when no chat is in the address), the session's header on a phone, and "log out
 * all browsers" when the server refuses or is gone.
 */
describe('page load and header in Chromium', () => {
  let opened: NativeSession;
  let sessionId: string;

  beforeAll(async () => {
    opened = await openNativeSession({ 'README.md': '# demo\n' }, 'loading');
    const { page } = opened.browser;
    sessionId = new URL(page.url()).searchParams.get('session')!;
    for (const n of [1, 2, 3]) {
      opened.llm.push({ match: { lastUserIncludes: `question ${n}` }, text: `Answer number ${n}.` });
      await send(page, `question ${n}`);
      await lastReply(page).getByText(`Answer number ${n}.`).waitFor({ timeout: 60_000 });
    }
    await opened.server.api<Session>('PATCH', `/api/sessions/${sessionId}`, { name: 'Make the port configurable in the server' });
  });
  afterAll(() => opened?.close());

  /**
   * The API requests (but the sockets) a load of `url` makes, from a blank page until `loaded` and
   * then idle, and `events`: each request and each answer as it happened ("request GET /api/x",
   * "response ..."). By default the page has loaded once the session's last answer shows.
   */
  async function requestsOnLoad(
    url: string,
    loaded = async () => {
      await opened.browser.page.getByRole('textbox', { name: 'Message' }).waitFor();
      await lastReply(opened.browser.page).getByText('Answer number 3.').waitFor();
    },
  ): Promise<{ requests: string[]; events: string[] }> {
    const { page } = opened.browser;
    const requests: string[] = [];
    const events: string[] = [];
    const apiPath = (r: { url(): string; method(): string; resourceType(): string }) => {
      const u = new URL(r.url());
      return u.pathname.startsWith('/api/') && r.resourceType() !== 'websocket' ? `${r.method()} ${u.pathname}${u.search}` : null;
    };
    const onRequest = (r: Parameters<typeof apiPath>[0]) => {
      const p = apiPath(r);
      if (!p) return;
      requests.push(p);
      events.push(`request ${p}`);
    };
    const onResponse = (res: { request(): Parameters<typeof apiPath>[0] }) => {
      const p = apiPath(res.request());
      if (p) events.push(`response ${p}`);
    };
    // From a blank page, so that nothing the previous page still asks for is counted.
    await page.goto('about:blank');
    page.on('request', onRequest);
    page.on('response', onResponse);
    try {
      await page.goto(url);
      await loaded();
      // Requests started by the load may still be on their way: wait until the page is idle.
      await page.waitForLoadState('networkidle');
    } finally {
      page.off('request', onRequest);
      page.off('response', onResponse);
    }
    return { requests, events };
  }

  it('loads a session with its history without fetching anything twice, its chat asked for beside the chat list', async () => {
    const { page } = opened.browser;
    const chatId = new URL(page.url()).searchParams.get('chat')!;
    const { requests, events } = await requestsOnLoad(page.url());
    const all = `requests on load: ${requests.join(', ')}`;
    const repeated = requests.filter((r, i) => requests.indexOf(r) !== i);
    expect(repeated, all).toEqual([]);
    expect(requests).toContain('GET /api/projects');
    expect(requests).toContain('GET /api/sessions');
    // The chat in the address is known before the chat list answers: its page does not wait for it.
    const asked = events.indexOf(`request GET /api/chats/${chatId}/messages?limit=100`);
    const listed = events.indexOf(`response GET /api/sessions/${sessionId}/chats`);
    expect(asked, `${events.join(', ')}`).toBeGreaterThanOrEqual(0);
    expect(listed, `${events.join(', ')}`).toBeGreaterThanOrEqual(0);
    expect(asked, `${events.join(', ')}`).toBeLessThan(listed);
  });

  it('opens a session with no chat in the address without asking for its chat after the chat list', async () => {
    const { page } = opened.browser;
    const chatId = new URL(page.url()).searchParams.get('chat')!;
    const { requests } = await requestsOnLoad(`${new URL(page.url()).origin}/?session=${sessionId}`);
    const all = `requests on load: ${requests.join(', ')}`;
    // The chat list's answer holds the first chat's newest page, usage and agent sessions.
    expect(requests, all).toContain(`GET /api/sessions/${sessionId}/chats?first_messages=100`);
    expect(
      requests.filter((r) => r.startsWith(`GET /api/chats/${chatId}/`) && !r.includes('/traces')),
      all,
    ).toEqual([]);
    expect(requests.filter((r, i) => requests.indexOf(r) !== i), all).toEqual([]);
    // The address names the chat opened, so a reload comes back to it.
    expect(new URL(page.url()).searchParams.get('chat')).toBe(chatId);
  });

  it('shows the first chat and says so when the chat in the address does not exist', async () => {
    const { page } = opened.browser;
    const origin = new URL(page.url()).origin;
    const firstChat = (await opened.server.api<ChatList>('GET', `/api/sessions/${sessionId}/chats`)).items[0]!.id;
    const missing = crypto.randomUUID();
    const { requests, events } = await requestsOnLoad(`${origin}/?session=${sessionId}&chat=${missing}`);
    const all = `${events.join(', ')}`;
    const notice = page.getByRole('status').filter({ hasText: 'The chat in this link could not be found' });
    await notice.waitFor();
    expect(new URL(page.url()).searchParams.get('chat')).toBe(firstChat);
    expect(requests.filter((r, i) => requests.indexOf(r) !== i), all).toEqual([]);
    // Two round trips: the linked chat's page is refused beside the chat list, then the first chat
    // is asked for, once, with nothing else in between (no getChat: the refusal says it is gone).
    const refused = events.indexOf(`response GET /api/chats/${missing}/messages?limit=100`);
    const listed = events.indexOf(`response GET /api/sessions/${sessionId}/chats`);
    const asked = events.indexOf(`request GET /api/chats/${firstChat}/messages?limit=100`);
    expect(refused, all).toBeGreaterThanOrEqual(0);
    expect(asked, all).toBeGreaterThan(Math.max(refused, listed));
    expect(requests, all).not.toContain(`GET /api/chats/${missing}`);
    await screenshotBothThemes(page, 'stray-link-notice');
    await page.setViewportSize({ width: 390, height: 780 });
    try {
      await notice.waitFor();
      await screenshotBothThemes(page, 'stray-link-notice-390');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await notice.waitFor({ state: 'detached' });
  });

  it("opens the linked chat's own session when the address names another session", async () => {
    const { page } = opened.browser;
    const origin = new URL(page.url()).origin;
    const { project_id } = await opened.server.api<Session>('GET', `/api/sessions/${sessionId}`);
    const other = await opened.server.api<Session>('POST', '/api/sessions', { project_id, name: 'The other session' });
    const otherChat = (await opened.server.api<ChatList>('GET', `/api/sessions/${other.id}/chats`)).items[0]!.id;
    const { requests, events } = await requestsOnLoad(`${origin}/?session=${sessionId}&chat=${otherChat}`, async () => {
      await page.getByRole('heading', { name: 'The other session', level: 1 }).waitFor();
      await page.getByRole('textbox', { name: 'Message' }).waitFor();
    });
    const all = `${events.join(', ')}`;
    const address = new URL(page.url()).searchParams;
    expect([address.get('session'), address.get('chat')]).toEqual([other.id, otherChat]);
    // Where the chat is was asked for once its page came back though the list did not hold it...
    const found = events.indexOf(`response GET /api/chats/${otherChat}/messages?limit=100`);
    const listed = events.indexOf(`response GET /api/sessions/${sessionId}/chats`);
    const where = events.indexOf(`request GET /api/chats/${otherChat}`);
    expect(where, all).toBeGreaterThan(Math.max(found, listed));
    expect(requests.filter((r) => r === `GET /api/chats/${otherChat}`), all).toHaveLength(1);
    // ...and the session in the address did not load its own first chat for nothing.
    const firstChat = (await opened.server.api<ChatList>('GET', `/api/sessions/${sessionId}/chats`)).items[0]!.id;
    expect(requests.filter((r) => r.startsWith(`GET /api/chats/${firstChat}/`)), all).toEqual([]);
    expect(await page.getByRole('status').filter({ hasText: 'could not be found' }).count()).toBe(0);
    // Back to the session the other tests use.
    await page.goto(`${origin}/?session=${sessionId}`);
    await lastReply(page).getByText('Answer number 3.').waitFor();
  });

  it('shows the whole session title on a 390 px screen', async () => {
    const { page } = opened.browser;
    await page.setViewportSize({ width: 390, height: 780 });
    try {
      const title = page.getByRole('heading', { name: 'Make the port configurable in the server', level: 1 });
      await title.waitFor();
      const cut = await title.evaluate((h) => h.scrollWidth > h.clientWidth);
      expect(cut).toBe(false);
      await screenshotBothThemes(page, 'narrow-session-header');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('says in words that logging out all browsers failed, when the server refuses or does not answer', async () => {
    const { page } = opened.browser;
    const logOutAll = async () => {
      await page.getByRole('button', { name: 'Log out all browsers' }).click();
      await page.getByRole('button', { name: 'Log out all' }).click();
    };
    await page.route('**/api/auth/logout-all', (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'internal', message: 'internal error' }) }),
    );
    await logOutAll();
    const alert = page.getByRole('alert').filter({ hasText: 'Could not log out' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Every browser is still signed in.');
    expect(await alert.textContent()).not.toMatch(/internal|\{/);
    await screenshotBothThemes(page, 'logout-all-failed');
    await alert.getByRole('button', { name: 'Dismiss' }).click();
    await alert.waitFor({ state: 'detached' });

    await page.unroute('**/api/auth/logout-all');
    await page.route('**/api/auth/logout-all', (route) => route.abort('connectionrefused'));
    await logOutAll();
    await alert.getByText(/did not answer/).waitFor();
    await page.unroute('**/api/auth/logout-all');
    // Still signed in: the workspace is there, not the sign-in screen.
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
  });
});
