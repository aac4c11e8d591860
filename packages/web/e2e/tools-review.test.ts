import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeLlm } from '@boocode/testkit';
import { git } from '@boocode/testkit/server';
import type { Browser } from './helpers/browser';
import { screenshotBothThemes } from './helpers/screenshots';
import { openNativeSession, type NativeSession } from './helpers/native-session';
import { lastReply, send } from './helpers/ui';

/**
 * The native agent against the fake LLM, watched in Chromium: a turn of three steps drawn as
 * three blocks with its tool calls between them (an edit as a diff, a command as terminal
 * output with its exit code), GFM and code in five languages, review held while a turn runs,
 * and a merge conflict told in words with its files.
 */
describe('tool calls, steps and review in Chromium', () => {
  let llm: FakeLlm;
  let browser: Browser;
  let repo: string;
  let opened: NativeSession;

  beforeAll(async () => {
    opened = await openNativeSession({ 'README.md': '# Demo\n\nA demo project.\n' }, 'tools');
    ({ llm, browser, repo } = opened);
  });
  afterAll(() => opened?.close());

  it('draws a three-step turn as three blocks with an edit diff and a command card between them', async () => {
    const { page } = browser;
    const match = { lastUserIncludes: 'tidy the readme' };
    llm.push(
      {
        match,
        text: 'Let me look first.',
        toolCalls: [{ name: 'edit_file', arguments: { path: 'README.md', old_string: 'A demo project.', new_string: 'A small demo project.\nWith two lines.' } }],
      },
      {
        match,
        text: 'Now I will check it.',
        toolCalls: [{ name: 'run_command', arguments: { command: 'node', args: ['-e', "console.log('\\u001b[32mgreen\\u001b[0m'); process.exit(3)"] } }],
      },
      { match, text: ['## Done', '\nThe readme is tidy.'] },
    );
    await send(page, 'Please tidy the readme');
    const reply = lastReply(page);
    await expect.poll(() => reply.getAttribute('aria-busy'), { timeout: 30_000 }).toBe('false');

    // Three text blocks, each step's own, with the calls between them in the order they ran.
    const order = await reply.locator('.message__body > *').evaluateAll((els) =>
      els.map((e) => (e.classList.contains('message__step') ? `text:${e.textContent?.trim()}` : `tools:${e.querySelector('.tool-card')?.getAttribute('data-tool')}`)),
    );
    expect(order).toEqual(['text:Let me look first.', 'tools:edit_file', 'text:Now I will check it.', 'tools:run_command', 'text:Done\nThe readme is tidy.']);
    // The heading that opened the last step is a heading, not glued to the step before.
    expect(await reply.locator('.message__step h3').textContent()).toBe('Done');

    const edit = reply.locator('.tool-card[data-tool="edit_file"]');
    expect(await edit.locator('.tool-card__name').textContent()).toBe('Edit');
    expect(await edit.locator('.tool-card__target').textContent()).toBe('README.md');
    expect(await edit.locator('.diff-view__line--del .diff-view__code').allTextContents()).toEqual(['removed: A demo project.']);
    expect(await edit.locator('.diff-view__line--add .diff-view__code').allTextContents()).toEqual(['added: A small demo project.', 'added: With two lines.']);

    const run = reply.locator('.tool-card[data-tool="run_command"]');
    // The title is the whole command line, quoted as a shell would need it, not just `node`.
    expect(await run.locator('.tool-card__target').textContent()).toBe(String.raw`node -e 'console.log('\''\u001b[32mgreen\u001b[0m'\''); process.exit(3)'`);
    expect(await run.locator('.tool-card__exit').textContent()).toBe('exit 3');
    // Colours are drawn, escape codes are not shown.
    expect(await run.locator('.terminal-output .ansi-fg-2').textContent()).toBe('green');
    expect(await run.locator('.terminal-output__status').textContent()).toMatch(/^exit code 3 · /);
    await screenshotBothThemes(page, 'tool-steps');

    // After a reload the cards are still in place (offsets come from the stored message).
    await page.reload();
    const again = lastReply(page);
    await again.locator('.tool-card[data-tool="run_command"]').waitFor();
    const afterReload = await again.locator('.message__body > *').evaluateAll((els) => els.map((e) => (e.classList.contains('message__step') ? 'text' : 'tools')));
    expect(afterReload).toEqual(['text', 'tools', 'text', 'tools', 'text']);
  });

  it('renders GFM tables, task lists, nested lists and code in five languages', async () => {
    const { page } = browser;
    const fences = [
      ['ts', 'const a: number = 1;'],
      ['python', 'def f():\n    return "x"'],
      ['rust', 'fn main() { let x = 5; }'],
      ['go', 'func main() { return }'],
      ['bash', 'if true; then echo "hi"; fi'],
    ];
    const text = [
      '| Name | Size |',
      '|:-----|-----:|',
      '| a.ts | 10 |',
      '',
      '- [x] parse',
      '- [ ] render',
      '  1. nested one',
      '  2. nested two',
      '',
      ...fences.flatMap(([lang, code]) => ['```' + lang, code!, '```', '']),
    ].join('\n');
    llm.push({ match: { lastUserIncludes: 'show markdown' }, text });
    await send(page, 'show markdown please');
    const reply = lastReply(page);
    await reply.locator('.code-block').nth(4).waitFor({ timeout: 30_000 });
    expect(await reply.locator('table th').allTextContents()).toEqual(['Name', 'Size']);
    expect(await reply.locator('table td').nth(1).getAttribute('style')).toBe('text-align: right;');
    expect(await reply.locator('.task-list-item input[type=checkbox]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).checked))).toEqual([true, false]);
    expect(await reply.locator('.task-list-item ol li').allTextContents()).toEqual(['nested one', 'nested two']);
    // Each fence is coloured by its grammar (loaded once, lazily).
    const keywords = reply.locator('.code-block .hljs-keyword');
    await keywords.first().waitFor();
    for (const [i, [lang]] of fences.entries()) {
      const block = reply.locator('.code-block').nth(i);
      expect(await block.locator('.code-block__lang').textContent()).toBe(lang);
      expect(await block.locator('[class^="hljs-"]').count()).toBeGreaterThan(0);
    }
    expect(await reply.locator('.code-block').nth(0).locator('.hljs-keyword').first().textContent()).toBe('const');
    await screenshotBothThemes(page, 'markdown-gfm');
  });

  it('holds Apply, Merge and Reject while a turn runs, saying why', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Show changes' }).click();
    const review = page.getByRole('group', { name: 'Review' });
    await review.waitFor();
    expect(await review.getByRole('button', { name: 'Apply…' }).isEnabled()).toBe(true);

    llm.push({ match: { lastUserIncludes: 'think slowly' }, text: Array.from({ length: 60 }, (_, i) => `t${i} `), chunkDelayMs: 100 });
    await send(page, 'think slowly');
    await lastReply(page).locator('.markdown', { hasText: 't2 ' }).waitFor();
    for (const name of ['Apply…', 'Merge…', 'Reject…']) {
      await expect.poll(() => review.getByRole('button', { name }).isDisabled()).toBe(true);
    }
    expect(await review.textContent()).toContain('A turn is running: review when it ends.');
    await screenshotBothThemes(page, 'review-held');
    await expect.poll(() => lastReply(page).getAttribute('aria-busy'), { timeout: 30_000 }).toBe('false');
    await expect.poll(() => review.getByRole('button', { name: 'Apply…' }).isEnabled()).toBe(true);
  });

  it('sends comments on diff lines to the agent as one message quoting file and lines', async () => {
    const { page } = browser;
    const diff = page.getByRole('region', { name: 'Diff of README.md' });
    await diff.getByRole('button', { name: 'Comment on line 3 (added) of README.md' }).click();
    const draft = page.getByRole('form', { name: 'Comment on a line' });
    await draft.getByRole('textbox', { name: 'Comment' }).fill('Say "tiny" instead of "small".');
    await draft.getByRole('button', { name: 'Add comment' }).click();
    await diff.getByRole('button', { name: 'Comment on old line 3 (removed) of README.md' }).click();
    await draft.getByRole('textbox', { name: 'Comment' }).fill('Keep the full stop.');
    await draft.getByRole('button', { name: 'Add comment' }).click();
    const list = page.getByRole('region', { name: 'Review comments' });
    expect(await list.locator('li').count()).toBe(2);
    await screenshotBothThemes(page, 'review-comments');

    llm.push({ match: { lastUserIncludes: 'Review comments on your changes' }, text: 'I will change both lines.' });
    await list.getByRole('button', { name: 'Send 2 comments to the agent' }).click();
    await lastReply(page).getByText('I will change both lines.').waitFor({ timeout: 30_000 });
    const request = llm.requests.find((r) => r.lastUserText.includes('Review comments on your changes'));
    expect(request?.lastUserText).toBe(
      [
        'Review comments on your changes:',
        '',
        'README.md, line 3 (added):',
        '> A small demo project.',
        'Say "tiny" instead of "small".',
        '',
        'README.md, old line 3 (removed):',
        '> A demo project.',
        'Keep the full stop.',
      ].join('\n'),
    );
    await page.getByText('Sent 2 comments to the agent as one message.').waitFor();
  });

  it('names the conflicting files when a merge conflicts, in words', async () => {
    const { page } = browser;
    // The project's main branch changes the line the session changed.
    await writeFile(path.join(repo, 'README.md'), '# Demo\n\nA different demo project.\n');
    await git(repo, 'commit', '-q', '-am', 'edit on main');

    await page.getByRole('radio', { name: 'Split' }).click();
    await page.getByRole('checkbox', { name: 'Wrap lines' }).check();
    await page.getByRole('region', { name: 'Diff of README.md, side by side' }).waitFor();

    await page.getByRole('button', { name: 'Merge…' }).click();
    const form = page.getByRole('form', { name: 'Merge the session branch' });
    // The commit message is written from the session's requests, and can be edited.
    expect(await form.getByRole('textbox', { name: 'Commit message' }).inputValue()).toBe(
      'Please tidy the readme\n\n- Please tidy the readme\n- show markdown please\n- think slowly',
    );
    await form.getByRole('button', { name: 'Merge' }).click();
    const alert = page.locator('.diff-pane').getByRole('alert');
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain("Not merged: the session's changes conflict with main in this file.");
    expect(await alert.locator('li').allTextContents()).toEqual(['README.md']);
    expect(text).not.toContain('merge_conflict');
    // The form stays open to try again.
    expect(await form.isVisible()).toBe(true);
    await page.getByRole('radio', { name: 'Full width' }).click();
    await screenshotBothThemes(page, 'merge-conflict');
    await page.getByRole('radio', { name: 'Beside chat' }).click();
  });

  it('fits tool cards and the diff panel on a 390 px screen', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 800 });
    await screenshotBothThemes(page, 'narrow-changes');
    await page.getByRole('complementary', { name: 'Changes' }).getByRole('button', { name: 'Close changes' }).click();
    await page.locator('.tool-card[data-tool="run_command"]').first().scrollIntoViewIfNeeded();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    await screenshotBothThemes(page, 'narrow-tool-cards');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
