import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from './helpers/browser';
import { SCREENSHOT_DIR, screenshotBothThemes } from './helpers/screenshots';
import { chooseAgent, startWithFakeAcp } from './helpers/fake-acp';
import { logIn, type RunningBoocode } from './helpers/server';
import { addProject, lastReply, newSession, send } from './helpers/ui';

/**
 * A turn that outlives its server, as a person watching it sees it: the server is killed (kill -9)
 * mid-answer and started again; the open page reconnects by itself, and the same reply goes on,
 * marked "resumed after restart", without a reload and with nothing said twice.
 */
describe('a turn continued after a restart, in Chromium', () => {
  let server: RunningBoocode;
  let browser: Browser;

  beforeAll(async () => {
    let repo: string;
    ({ server, browser, repo } = await startWithFakeAcp('durable', (dir) => ({
      name: 'fake-acp',
      // The agent keeps its sessions (session/load), so a turn cut off by a crash can go on.
      capabilities: { loadSession: true },
      stateFile: path.join(dir, 'fake-acp-durable-state.json'),
      turns: [
        { match: 'long job', steps: [{ text: 'Reading the code first. ' }, { delayMs: 300_000 }, { text: 'never' }] },
        { match: 'BooCode restarted', steps: [{ text: 'Picked it up again: the change is done.' }] },
      ],
    }), { env: { BOOCODE_LEASE_MS: '1500' } }));
    const { page } = browser;
    await logIn(page, server);
    await addProject(page, repo);
    await newSession(page, 'durable');
    await chooseAgent(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('kill -9 mid-answer: the open page shows the same reply going on, marked resumed', { timeout: 300_000 }, async () => {
    const { page } = browser;
    await send(page, 'long job');
    await lastReply(page).getByText('Reading the code first.').waitFor({ timeout: 60_000 });
    // Crash once the partial text is stored (writes are coalesced), as a real crash would find it.
    await expect
      .poll(
        () =>
          page.evaluate(async () => {
            const params = new URLSearchParams(location.search);
            const chats = (await (await fetch(`/api/sessions/${params.get('session')}/chats`)).json()) as { items: { id: string }[] };
            const msgs = (await (await fetch(`/api/chats/${chats.items[0]!.id}/messages`)).json()) as { items: { content: string }[] };
            return msgs.items.some((m) => m.content.startsWith('Reading the code'));
          }),
        { timeout: 30_000 },
      )
      .toBe(true);

    server.process.child.kill('SIGKILL');
    await server.process.exited;
    await server.restart();

    const reply = lastReply(page);
    await reply.getByText('Picked it up again').waitFor({ timeout: 120_000 });
    await expect.poll(() => reply.getAttribute('aria-busy'), { timeout: 30_000 }).toBe('false');
    await reply.getByText('resumed after restart').waitFor();
    // One reply, its first part kept once.
    expect(await page.getByRole('article', { name: /^Agent/ }).count()).toBe(1);
    expect(await reply.getByText('Reading the code first.').count()).toBe(1);
    await screenshotBothThemes(page, 'durable-resumed');

    // Stored, not only live: a reload shows the same.
    await page.reload();
    await lastReply(page).getByText('resumed after restart').waitFor();
    await page.setViewportSize({ width: 390, height: 800 });
    await lastReply(page).getByText('resumed after restart').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'durable-resumed-390.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
