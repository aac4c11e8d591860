import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeLlm } from '@boocode/testkit';
import type { Browser } from './helpers/browser';
import { openNativeSession, type NativeSession } from './helpers/native-session';
import { screenshotBothThemes } from './helpers/screenshots';
import { lastReply, send } from './helpers/ui';

/**
 * The prompt cache in the traces panel, with the fake LLM's prefix cache reporting cached tokens
 * the way DeepSeek does: the session's trend, each turn's hit rate, cost and segment bar, the
 * model calls beside the tool calls; and a compaction as the chat shows it.
 */
describe('prompt cache and cost in Chromium', () => {
  let llm: FakeLlm;
  let browser: Browser;
  let opened: NativeSession | undefined;

  beforeAll(async () => {
    opened = await openNativeSession({ 'README.md': '# Demo\n\n' + 'A line of the demo project.\n'.repeat(60) }, 'cachedemo', { llm: { prefixCache: true, fallback: { text: 'Noted.' } }, env: { BOOCODE_NATIVE_MODEL: 'deepseek-chat' } });
    ({ llm, browser } = opened);
  });
  afterAll(() => opened?.close());

  it('shows the cache trend, each turn’s hit rate, cost and prompt segments, and the model calls', async () => {
    const { page } = browser;
    for (let turn = 1; turn <= 3; turn++) {
      llm.push(
        { match: { lastUserIncludes: `look ${turn}` }, toolCalls: [{ name: 'read_file', arguments: { path: 'README.md' } }] },
        { match: { lastUserIncludes: `look ${turn}` }, text: `Read it, turn ${turn}.` },
      );
      await send(page, `Please look ${turn} at the readme`);
      await lastReply(page).getByText(`Read it, turn ${turn}.`).waitFor({ timeout: 30_000 });
      await expect.poll(() => lastReply(page).getAttribute('aria-busy'), { timeout: 20_000 }).toBe('false');
    }
    await page.getByRole('button', { name: 'Show tool traces' }).click();
    const trend = page.getByRole('region', { name: 'Prompt cache across turns' });
    await trend.waitFor();
    await expect.poll(async () => (await trend.textContent()) ?? '').toMatch(/\d+% cached/);
    expect(await trend.textContent()).toMatch(/\$\d/);
    expect(await trend.textContent()).toContain('saved by the cache');
    expect(await trend.locator('.cache-trend__bar').count()).toBe(3);
    // From the second turn on the prompt extends the previous one: mostly cached, so green.
    expect(await trend.locator('.cache-trend__bar--high').count()).toBeGreaterThanOrEqual(1);

    // The newest turn is open: its hit rate, cost, segment bar and its model calls beside the tool call.
    const last = page.locator('.trace-turn').last();
    await last.locator('.cache-bar').waitFor();
    expect(await last.locator('.trace-turn__usage .cache-pill').textContent()).toMatch(/^\d+% cached$/);
    const segments = await last.locator('.trace-turn__shape .cache-bar__seg').evaluateAll((els) => els.map((e) => e.className));
    expect(segments.join(' ')).toContain('cache-bar__seg--system');
    expect(segments.join(' ')).toContain('cache-bar__seg--history');
    expect(segments.join(' ')).toContain('cache-bar__seg--tool_results');
    const calls = last.locator('.trace--model');
    expect(await calls.count()).toBe(2);
    await calls.last().getByRole('button').click();
    const body = calls.last().locator('.trace__body');
    expect(await body.textContent()).toContain('First token after');
    expect(await body.textContent()).toMatch(/cached/);
    await screenshotBothThemes(page, 'cache-traces');

    // A second chat: its trend is its own, with a line for the whole session.
    await page.getByRole('button', { name: 'New chat' }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Chat 2/ }).getAttribute('aria-selected')).toBe('true');
    llm.push({ match: { lastUserIncludes: 'second chat' }, text: 'Hello from chat 2.' });
    await send(page, 'A second chat');
    await lastReply(page).getByText('Hello from chat 2.').waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await trend.textContent()) ?? '', { timeout: 20_000 }).toMatch(/Whole session: \$[\d.]+, \$[\d.]+ saved over 4 turns/);
    expect(await trend.locator('.cache-trend__bar').count()).toBe(1);

    await page.setViewportSize({ width: 390, height: 844 });
    await trend.waitFor();
    await screenshotBothThemes(page, 'cache-traces-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows a compaction the user asked for as a notice in the chat', async () => {
    const { page } = browser;
    await page.getByRole('tab', { name: /^Chat 1/ }).click();
    await lastReply(page).getByText('Read it, turn 3.').waitFor();
    llm.push({ match: { lastUserIncludes: 'about to be replaced by your summary' }, text: 'The user had the readme read three times.' });
    await send(page, '/compact');
    const reply = lastReply(page);
    await reply.getByText(/Compacted the conversation/).waitFor({ timeout: 30_000 });
    const notice = reply.locator('.notice').filter({ hasText: 'Context compacted' });
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/Turns 1 to 3 \([\d,]+ tokens\) are now a summary of [\d,]+ tokens/);
    // The context meter drops to what the next request starts from: system prompt, tools, summary.
    await expect.poll(async () => (await page.locator('.agent-status__context').textContent()) ?? '').toMatch(/context 1\.\dk\/128k/);
    await screenshotBothThemes(page, 'compaction-notice');
  });
});
