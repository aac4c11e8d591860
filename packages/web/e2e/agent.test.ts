import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeLlm } from '@boocode/testkit';
import type { Browser } from './helpers/browser';
import { screenshotBothThemes } from './helpers/screenshots';
import { openNativeSession, type NativeSession } from './helpers/native-session';
import { lastReply, send } from './helpers/ui';

/**
 * Turns of the native agent against the fake OpenAI-compatible LLM, watched in Chromium:
 * streaming with a tool call card, the timeline and trace viewer, a reload in the middle of a
 * turn, and the change the agent made in the Changes panel.
 */
describe('agent turns in Chromium', () => {
  let llm: FakeLlm;
  let browser: Browser;
  let repo: string;
  let opened: NativeSession;

  beforeAll(async () => {
    opened = await openNativeSession({ 'README.md': '# Demo\n\nA demo project.\n' }, 'demo');
    ({ llm, browser, repo } = opened);
  });
  afterAll(() => opened?.close());

  it('streams a reply with a tool call card, then shows its figures', async () => {
    const { page } = browser;
    llm.push(
      {
        match: { lastUserIncludes: 'read the readme' },
        reasoning: ['The user wants ', 'the README.'],
        text: 'Let me look.',
        toolCalls: [{ name: 'read_file', arguments: { path: 'README.md' } }],
        usage: { prompt_tokens: 1200, completion_tokens: 40, cached_tokens: 900 },
      },
      {
        match: { lastUserIncludes: 'read the readme' },
        text: [' The README ', 'describes a ', '**demo project**', '.\n\n```ts\nconst demo = true;\n```'],
        chunkDelayMs: 150,
        usage: { prompt_tokens: 1400, completion_tokens: 60, cached_tokens: 1200 },
      },
    );
    await send(page, 'Please read the readme');
    const reply = lastReply(page);
    await reply.waitFor();
    // In progress: the reply is marked busy while text streams in.
    await expect.poll(() => reply.getAttribute('aria-busy')).toBe('true');
    const card = reply.locator('.tool-card[data-tool="read_file"]');
    await card.waitFor();
    expect(await card.locator('.tool-card__target').textContent()).toBe('README.md');
    await reply.locator('strong', { hasText: 'demo project' }).waitFor();
    await expect.poll(() => reply.getAttribute('aria-busy'), { timeout: 20_000 }).toBe('false');
    expect(await reply.locator('.hljs-keyword').first().textContent()).toBe('const');
    // Reasoning is collapsed by default.
    expect(await reply.getByRole('button', { name: /Reasoning/ }).getAttribute('aria-expanded')).toBe('false');

    await card.getByRole('button').click();
    // A read is its excerpt with line numbers.
    expect(await card.getByRole('region', { name: 'Lines of README.md' }).locator('tr').allTextContents()).toEqual(['1# Demo', '2', '3A demo project.']);
    await expect.poll(async () => (await reply.locator('.message__foot').textContent()) ?? '').toMatch(/in · .* out/);
    await screenshotBothThemes(page, 'chat-tool-call');
  });

  it('shows the turn in the timeline and its call in the trace viewer', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Show timeline' }).click();
    const turn = page.getByRole('button', { name: /^Turn 1, complete/ });
    await turn.waitFor();
    const text = (await turn.textContent()) ?? '';
    expect(text).toContain('fake-model');
    expect(text).toContain('1 tool');
    expect(text).toMatch(/\d+% cache/);
    await turn.click();
    await screenshotBothThemes(page, 'timeline');

    await page.getByRole('button', { name: 'Show tool traces' }).click();
    const row = page.locator('.trace').filter({ hasText: 'read_file' });
    await row.waitFor();
    expect(await row.locator('.latency__bar--fast').count()).toBe(1);
    await row.getByRole('button').click();
    expect(await row.locator('.trace__body').textContent()).toContain('README.md');
    await screenshotBothThemes(page, 'traces');
  });

  it('after a reload mid-turn shows the partial reply and keeps streaming it', async () => {
    const { page } = browser;
    const words = Array.from({ length: 40 }, (_, i) => `w${i} `);
    llm.push({ match: { lastUserIncludes: 'count slowly' }, text: words, chunkDelayMs: 120 });
    await send(page, 'count slowly');
    await lastReply(page).locator('.markdown', { hasText: 'w5 ' }).waitFor();
    await page.reload();
    // Tool calls are not part of the messages: after the reload they come from the traces API.
    await page.locator('.tool-card[data-tool="read_file"]').first().waitFor();
    const reply = lastReply(page);
    // History from the API: the words stored before the reload are there at once...
    await reply.locator('.markdown', { hasText: 'w3 ' }).waitFor();
    expect(await reply.getAttribute('aria-busy')).toBe('true');
    // ...and the stream continues the same message to the end, without repeating any word.
    await reply.locator('.markdown', { hasText: 'w39' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => reply.getAttribute('aria-busy'), { timeout: 20_000 }).toBe('false');
    // Once complete, the text is exactly what the agent wrote (the stored copy, refetched).
    await expect.poll(async () => ((await reply.locator('.markdown').textContent()) ?? '').trim()).toBe(words.join('').trim());
  });

  it('shows what the agent changed in the Changes panel', async () => {
    const { page } = browser;
    llm.push(
      {
        match: { lastUserIncludes: 'add a notes file' },
        toolCalls: [{ name: 'write_file', arguments: { path: 'NOTES.md', content: '# Notes\n\n- first\n' } }],
      },
      { match: { lastUserIncludes: 'add a notes file' }, text: 'Added NOTES.md.' },
    );
    await send(page, 'Please add a notes file');
    await lastReply(page).getByText('Added NOTES.md.').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Show changes' }).click();
    const files = page.getByRole('list', { name: 'Changed files' });
    await files.getByText('NOTES.md').waitFor();
    expect(await files.textContent()).toContain('+3');
    const diff = page.getByRole('region', { name: 'Diff of NOTES.md' });
    await diff.waitFor();
    expect(await diff.locator('.diff-view__line--add').count()).toBe(3);
    await screenshotBothThemes(page, 'changes');
  });

  it('tells why Apply was refused in words, naming the file, then applies the change to the project', async () => {
    const { page } = browser;
    // An untracked file in the way: the server refuses to apply and names it.
    await writeFile(path.join(repo, 'NOTES.md'), 'mine\n');
    await page.getByRole('button', { name: 'Apply…' }).click();
    // Apply says what it does before doing it.
    const confirm = page.getByRole('group', { name: 'Confirm apply' });
    expect(await confirm.textContent()).toContain("Copy these changes into the project's working tree");
    await confirm.getByRole('button', { name: 'Apply', exact: true }).click();
    const alert = page.locator('.diff-pane').getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Not applied: the project has uncommitted edits in a file this change also touches.');
    expect(await alert.locator('li').allTextContents()).toEqual(['NOTES.md']);
    await screenshotBothThemes(page, 'changes-refused');

    await rm(path.join(repo, 'NOTES.md'));
    await confirm.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.getByText('The last change was applied to the project.').waitFor();
    expect(await readFile(path.join(repo, 'NOTES.md'), 'utf8')).toBe('# Notes\n\n- first\n');
    await screenshotBothThemes(page, 'changes-applied');
  });

  it('queues a follow-up while a turn runs, and Stop cancels the running turn', async () => {
    const { page } = browser;
    llm.push(
      { match: { lastUserIncludes: 'long job' }, text: Array.from({ length: 100 }, (_, i) => `s${i} `), chunkDelayMs: 100 },
      { match: { lastUserIncludes: 'follow-up' }, text: 'Follow-up done.' },
    );
    await send(page, 'start the long job');
    await lastReply(page).locator('.markdown', { hasText: 's2 ' }).waitFor();
    await page.getByRole('button', { name: 'Queue' }).waitFor();
    await send(page, 'the follow-up');
    const queue = page.getByLabel('Queued messages');
    await queue.getByText('the follow-up').waitFor();
    await screenshotBothThemes(page, 'queued');

    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('article', { name: /^Agent/ }).filter({ hasText: 's2 ' }).locator('.message__foot', { hasText: 'cancelled' }).waitFor();
    // The queued message runs next, and the queue empties.
    await lastReply(page).getByText('Follow-up done.').waitFor({ timeout: 20_000 });
    await queue.waitFor({ state: 'detached' });
  });

  it('opens a #pin=<id> link at the pinned message', async () => {
    const { page } = browser;
    const first = page.getByRole('article', { name: /^Agent, turn 1/ });
    const id = (await page.locator('.message-list__row').filter({ has: first }).getAttribute('id'))?.replace('msg-', '');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await page.goto(`${page.url().split('#')[0]}#pin=${id}`);
    await page.reload();
    await page.getByText('Pinned message').waitFor();
    const pinned = page.locator('.message--pinned');
    await pinned.waitFor();
    expect(await pinned.getAttribute('aria-label')).toBe('Agent, turn 1');
    await expect.poll(() => pinned.isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Clear' }).click();
    expect(new URL(page.url()).hash).toBe('');
  });

  it('on a narrow screen the side panel covers the chat and Escape closes it', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 780 });
    await page.getByRole('button', { name: 'Show timeline' }).click();
    const panel = page.getByRole('complementary', { name: 'Timeline' });
    await panel.waitFor();
    await screenshotBothThemes(page, 'narrow-timeline');
    await panel.getByRole('button').first().focus();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
