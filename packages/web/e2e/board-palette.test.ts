import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Chat, Project, Session, SessionStatsList } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo } from '@boocode/testkit/server';
import { openBrowser, type Browser } from './helpers/browser';
import { screenshotBothThemes, screenshotDialogBothThemes } from './helpers/screenshots';
import { logIn, startBoocode, type RunningBoocode } from './helpers/server';
import { addProject, lastReply, pastePng } from './helpers/ui';

/** One agent call: enough to see a run started from the palette finish. */
const HELLO = `export const meta = { name: 'hello', description: 'Greets whoever the args name' };
return await agent('say hello to ' + args);
`;

/**
 * The overview board's change and cost columns, the command palette's panels and workflows (by
 * keyboard only), and "Edit and resend" bringing a failed prompt's images back, in Chromium
 * against a real server; the native agent talks to the fake LLM as a priced model.
 */
describe('board columns, palette panels and workflows, edit and resend with images', () => {
  let llm: FakeLlm;
  let server: RunningBoocode;
  let browser: Browser;
  const ids = { writer: '', broken: '', quiet: '' };

  const postIn = async (sessionId: string, content: string) => {
    const chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${sessionId}/chats`)).items[0]!;
    await server.api('POST', `/api/chats/${chat.id}/messages`, { content });
  };
  const row = (page: Page, id: string) => page.locator(`tr:has(a[href*="${id}"])`);
  const order = (page: Page) =>
    page.locator('a.board__open').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).searchParams.get('session')));
  const palette = (page: Page) => page.getByRole('listbox', { name: 'Commands' });
  const selected = (page: Page) => palette(page).locator('[aria-selected="true"]');

  beforeAll(async () => {
    llm = await startFakeLlm({ fallback: { text: 'ok' } });
    let repo: string;
    [server, browser, repo] = await Promise.all([
      // A model of the bundled price table, so the turns have a cost.
      startBoocode({ env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'gpt-4o-mini' } }),
      openBrowser(),
      makeGitRepo({ 'README.md': '# board\n', '.boocode/workflows/hello.js': HELLO }, 'board'),
    ]);
    // Two cores shared by many test runs: give each wait for the page room.
    browser.context.setDefaultTimeout(30_000);
    await logIn(browser.page, server);
    await addProject(browser.page, repo);
    const [project] = (await server.api<{ items: Project[] }>('GET', '/api/projects')).items;
    for (const name of ['writer', 'broken', 'quiet'] as const) {
      ids[name] = (await server.api<Session>('POST', '/api/sessions', { project_id: project!.id, name: `${name[0]!.toUpperCase()}${name.slice(1)} one` })).id;
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await llm?.close();
  });

  it('puts a failed prompt back in the composer with its images, and resending sends them', async () => {
    const { page } = browser;
    llm.push({ match: { lastUserIncludes: 'look at this picture' }, error: { status: 400, body: { error: { message: 'the model is having a bad day' } } } });
    await page.goto(`${server.url}/?session=${ids.broken}`);
    await pastePng(page, 'sketch.png');
    const strip = page.getByRole('list', { name: 'Attached images' });
    await strip.getByRole('button', { name: 'View sketch.png' }).waitFor();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('look at this picture');
    await box.press('Enter');
    // Sent: the composer is empty again.
    await strip.waitFor({ state: 'detached', timeout: 60_000 });
    const recover = lastReply(page).getByRole('group', { name: 'Recover this turn' });
    await recover.waitFor({ timeout: 60_000 });
    const sentBefore = llm.requests.filter((r) => r.images.length > 0).length;
    expect(sentBefore).toBe(1);

    await recover.getByRole('button', { name: 'Edit and resend' }).click();
    expect(await box.inputValue()).toBe('look at this picture');
    // The image comes back too, fetched by its hash, ready to send again.
    await strip.getByRole('button', { name: 'View image 1' }).waitFor({ timeout: 30_000 });
    expect(await strip.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(160);
    await screenshotBothThemes(page, 'edit-and-resend-image');

    llm.push({ match: { lastUserIncludes: 'look at this picture' }, text: 'A yellow square on purple.' });
    await box.fill('look at this picture again');
    await box.press('Enter');
    await lastReply(page).getByText('A yellow square on purple.').waitFor({ timeout: 60_000 });
    const resent = llm.requests.filter((r) => r.images.length > 0).at(-1)!;
    expect(resent.images.at(-1)!.url).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(resent.index).toBeGreaterThan(llm.requests.filter((r) => r.images.length > 0)[0]!.index);
  });

  it('shows each session’s change size and cost on the board, sorts by them, and stays readable on a phone', async () => {
    const { page } = browser;
    // The API refuses nothing here: it lists every session, each with what is known.
    const empty = await server.api<SessionStatsList>('GET', '/api/sessions/stats');
    expect(empty.items.find((s) => s.session_id === ids.quiet)).toEqual({ session_id: ids.quiet, diff: null, turns: 0, cost: null, unpriced_turns: 0, unreported_turns: 0 });

    llm.push(
      {
        match: { lastUserIncludes: 'write notes' },
        toolCalls: [{ name: 'write_file', arguments: { path: 'NOTES.md', content: '# Notes\n\n- first\n' } }],
        usage: { prompt_tokens: 12_000, completion_tokens: 400 },
      },
      { match: { lastUserIncludes: 'write notes' }, text: 'Wrote the notes.', usage: { prompt_tokens: 12_500, completion_tokens: 100 } },
      { match: { lastUserIncludes: 'break please' }, error: { status: 400, body: { error: { message: 'the model refused' } } } },
    );
    await page.goto(`${server.url}/?view=board`);
    await page.getByRole('heading', { name: 'All sessions' }).waitFor();
    await postIn(ids.writer, 'write notes');
    await postIn(ids.broken, 'break please');
    await row(page, ids.writer).getByText('finished').waitFor({ timeout: 60_000 });
    await row(page, ids.broken).getByText('failed').waitFor({ timeout: 60_000 });
    await row(page, ids.quiet).getByText('idle').waitFor();

    const writer = row(page, ids.writer);
    await writer.locator('.board__col--changes').getByText('1 file').waitFor({ timeout: 30_000 });
    expect(await writer.locator('.board__col--changes .diff-add').textContent()).toBe('+3');
    expect(await writer.locator('.board__col--changes .diff-del').textContent()).toBe('−0');
    // 24,500 input and 500 output tokens of gpt-4o-mini.
    expect(await writer.locator('.board__col--cost').textContent()).toBe('$0.0040');
    expect(await row(page, ids.quiet).locator('.board__col--changes').textContent()).toBe('no changes');
    expect(await row(page, ids.quiet).locator('.board__col--cost').textContent()).toBe('—');
    expect(await row(page, ids.broken).locator('.board__col--changes').textContent()).toBe('no changes');

    // The biggest change and the dearest session first; again for the other way round.
    await page.getByRole('button', { name: 'Changes', exact: true }).click();
    expect((await order(page))[0]).toBe(ids.writer);
    await page.getByRole('button', { name: 'Changes', exact: true }).click();
    expect((await order(page)).at(-1)).toBe(ids.writer);
    await page.getByRole('button', { name: 'Cost', exact: true }).click();
    expect((await order(page))[0]).toBe(ids.writer);
    expect(await page.getByRole('columnheader', { name: /Cost/ }).getAttribute('aria-sort')).toBe('descending');
    await screenshotBothThemes(page, 'board-columns');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await writer.locator('.board__col--changes').getByText('1 file').waitFor();
    // Nothing sticks out of the table's box: a phone scrolls nothing sideways to read a row.
    const overflow = await page.evaluate(() => {
      const box = document.querySelector('.board__scroll')!;
      return box.scrollWidth - box.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshotBothThemes(page, 'board-columns-390');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('goes to a session, switches panels and launches a workflow from the palette, by keyboard only', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/?view=board`);
    await page.getByRole('heading', { name: 'All sessions' }).waitFor();

    // Navigation: narrow to the session, Enter.
    await page.keyboard.press('Control+k');
    await page.keyboard.type('go to writer');
    expect(await selected(page).textContent()).toContain('Go to Writer one');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Writer one', level: 1 }).waitFor();

    // Panels: every one of the session's panels is offered; arrows pick one.
    await page.keyboard.press('Control+k');
    await page.keyboard.type('panel');
    expect((await palette(page).getByRole('option').allTextContents()).slice(0, 6)).toEqual([
      'Show timelinepanel',
      'Show tool tracespanel',
      'Show changespanel',
      'Show terminalpanel',
      'Show workflowspanel',
      'Show background agentspanel',
    ]);
    await screenshotDialogBothThemes(page, 'palette-panels');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await selected(page).textContent()).toContain('Show changes');
    await page.keyboard.press('Enter');
    const changes = page.getByRole('complementary', { name: 'Changes' });
    await changes.waitFor();
    await changes.getByText('NOTES.md').first().waitFor({ timeout: 30_000 });

    await page.keyboard.press('Control+k');
    await page.keyboard.type('traces');
    await page.keyboard.press('Enter');
    await page.getByRole('complementary', { name: 'Tool traces' }).waitFor();
    expect(await changes.count()).toBe(0);

    // A workflow of the project's catalog: the launcher opens on it, the args box focused.
    await page.keyboard.press('Control+k');
    await page.keyboard.type('workflow');
    await palette(page).getByRole('option', { name: /Run workflow hello/ }).waitFor();
    await palette(page).getByRole('option', { name: /Run workflow plan-verify/ }).waitFor();
    await screenshotDialogBothThemes(page, 'palette-workflows');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('w hello');
    expect(await selected(page).textContent()).toContain('Run workflow hello');
    await page.keyboard.press('Enter');
    const panel = page.getByRole('complementary', { name: 'Workflows' });
    const form = panel.getByRole('form', { name: 'Run hello' });
    await form.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id && document.querySelector(`label[for="${document.activeElement.id}"]`)?.textContent)).toBe('Args (JSON)');

    llm.push({ match: { lastUserIncludes: 'say hello to world' }, text: 'Hello, world!' });
    await page.keyboard.type('"world"');
    // Past the budget field to the Run button (the resume list is disabled: no earlier run).
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Run hello');
    await page.keyboard.press('Enter');
    await expect.poll(() => panel.locator('.wf-run-status').first().textContent(), { timeout: 60_000 }).toBe('completed');

    // On a phone the palette lists the same entries, readable.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.keyboard.press('Control+k');
    await page.keyboard.type('show');
    await palette(page).getByRole('option', { name: /Show background agents/ }).waitFor();
    await screenshotDialogBothThemes(page, 'palette-panels-390');
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
