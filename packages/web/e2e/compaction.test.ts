import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import type { FakeLlm } from '@boocode/testkit';
import type { Browser } from './helpers/browser';
import { openNativeSession, type NativeSession } from './helpers/native-session';
import { screenshotBothThemes } from './helpers/screenshots';
import { lastReply, send } from './helpers/ui';

/** A turn whose tool results outgrow a small context window compacts in its middle: the reply shows it where it happened. */
const chunk = (tag: string) => Array.from({ length: 5 }, (_, i) => `${tag} line ${i}: ` + 'alpha beta gamma delta '.repeat(80)).join('\n') + '\n';

/** The reply's body top to bottom: each step's text, each group of tool cards, each notice. */
const bodyOrder = (reply: Locator): Promise<string[]> =>
  reply.locator('.message__body > *').evaluateAll((els) =>
    els.flatMap((e) => {
      if (e.classList.contains('message__step')) return [`text: ${e.textContent?.trim()}`];
      if (e.classList.contains('message__tools')) return [...e.querySelectorAll('.tool-card')].map((c) => `tool: ${c.textContent?.match(/one\.txt|two\.txt/)?.[0] ?? '?'}`);
      if (e.classList.contains('notices')) return [...e.querySelectorAll('.notice strong')].map((n) => `notice: ${n.textContent}`);
      return [];
    }),
  );

describe('compaction within a turn in Chromium', () => {
  let llm: FakeLlm;
  let browser: Browser;
  let opened: NativeSession | undefined;

  beforeAll(async () => {
    opened = await openNativeSession({ 'one.txt': chunk('one'), 'two.txt': chunk('two') }, 'midturn', {
      llm: { prefixCache: true, fallback: { text: 'Noted.' } },
      env: { BOOCODE_NATIVE_MODEL: 'deepseek-chat' },
      native: { contextWindow: 8192, compactAt: 0.55 },
    });
    ({ llm, browser } = opened);
  });
  afterAll(() => opened?.close());

  it('shows the compaction as a notice where it happened, between the steps, live and after a reload', async () => {
    const { page } = browser;
    const prompt = 'Read both files please';
    llm.push(
      { match: { lastUserIncludes: prompt }, text: 'First the one file.', toolCalls: [{ name: 'read_file', arguments: { path: 'one.txt' } }] },
      { match: { lastUserIncludes: prompt }, text: 'Now the second.', toolCalls: [{ name: 'read_file', arguments: { path: 'two.txt' } }] },
      { match: { lastUserIncludes: 'about to be replaced by your summary' }, text: 'The user asked to read both files; one.txt is read.' },
      // Slow, so that the reply is read while it streams.
      { match: { lastUserIncludes: 'The user asked to read both files' }, text: ['Both files ', 'are ', 'read.'], chunkDelayMs: 1000 },
    );
    await send(page, prompt);
    const reply = lastReply(page);
    const notice = reply.locator('.notice').filter({ hasText: 'Context compacted' });
    await notice.waitFor({ timeout: 60_000 });
    // The compaction came after the second read, before the answer: not at the top of the reply.
    const expected = ['text: First the one file.', 'tool: one.txt', 'text: Now the second.', 'tool: two.txt', 'notice: Context compacted', 'text: Both files are read.'];
    const live = await bodyOrder(reply);
    expect(await reply.getAttribute('aria-busy')).toBe('true');
    expect(live.slice(0, 5)).toEqual(expected.slice(0, 5));
    await reply.getByText('Both files are read.').waitFor({ timeout: 60_000 });
    expect(await notice.textContent()).toMatch(/the conversation before its newest step \([\d,]+ tokens\) is now a summary of [\d,]+ tokens, and the turn goes on/);
    expect(await bodyOrder(reply)).toEqual(expected);
    await screenshotBothThemes(page, 'compaction-within-turn');
    await page.setViewportSize({ width: 390, height: 844 });
    await notice.scrollIntoViewIfNeeded();
    await screenshotBothThemes(page, 'compaction-within-turn-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });

    // After a reload: the same place, from the message's stored metadata and the turn's traces.
    await page.reload();
    const reloaded = lastReply(page);
    await reloaded.locator('.tool-card').nth(1).waitFor();
    await reloaded.locator('.notice').waitFor();
    expect(await bodyOrder(reloaded)).toEqual(expected);
  });
});
