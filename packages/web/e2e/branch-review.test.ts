import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGh, type FakeGh, type FakeLlm } from '@boocode/testkit';
import { addBareRemote, git } from '@boocode/testkit/server';
import type { Browser } from './helpers/browser';
import { screenshotBothThemes, screenshotDialogBothThemes } from './helpers/screenshots';
import { openNativeSession, type NativeSession } from './helpers/native-session';
import { changesPanel, lastReply, send, reopenChanges } from './helpers/ui';

/**
 * The Changes panel as a review tool, in Chromium against a real server and real repositories:
 * the file tree, the drag handle and the popped-out window, "Behind main" with Update from main
 * (clean, and refused in words), and Push with a pull request (a bare repository as the remote,
 * a recording `gh` first on the server's PATH).
 */
describe('branch review in Chromium', () => {
  let llm: FakeLlm;
  let browser: Browser;
  let repo: string;
  let opened: NativeSession;
  let gh: FakeGh;
  let remote: string;

  beforeAll(async () => {
    gh = fakeGh();
    opened = await openNativeSession(
      { 'README.md': '# Demo\n', 'src/app/main.ts': 'export const a = 1;\n', 'src/app/util.ts': 'export const u = 1;\n' },
      'branches',
      { env: gh.env },
    );
    ({ llm, browser, repo } = opened);
    remote = await addBareRemote(repo);
  });
  afterAll(() => opened?.close());

  const panel = () => changesPanel(browser.page);

  it('lists the changed files as a folder tree with their lines, folding folders away', async () => {
    const { page } = browser;
    const match = { lastUserIncludes: 'touch the app' };
    llm.push(
      {
        match,
        toolCalls: [
          { name: 'edit_file', arguments: { path: 'src/app/main.ts', old_string: 'a = 1', new_string: 'a = 2' } },
          { name: 'write_file', arguments: { path: 'src/app/extra.ts', content: 'export const x = 1;\nexport const y = 2;\n' } },
          { name: 'write_file', arguments: { path: 'NOTES.md', content: 'notes\n' } },
        ],
      },
      { match, text: 'Touched the app.' },
    );
    await send(page, 'Please touch the app');
    await lastReply(page).getByText('Touched the app.').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Show changes' }).click();
    const files = page.getByRole('list', { name: 'Changed files' });
    // The folder sums its files: +2 (extra.ts) +1 −1 (main.ts).
    const folder = files.getByRole('button', { name: 'Folder src/app, 3 added, 1 removed' });
    await folder.waitFor();
    expect(await folder.textContent()).toContain('+3 −1');
    expect(await folder.getAttribute('aria-expanded')).toBe('true');
    await files.getByRole('button', { name: 'src/app/extra.ts, added, 2 added, 0 removed' }).click();
    await page.getByRole('region', { name: 'Diff of src/app/extra.ts' }).waitFor();
    await folder.click();
    expect(await folder.getAttribute('aria-expanded')).toBe('false');
    expect(await files.getByRole('button', { name: /^src\/app\/main\.ts/ }).count()).toBe(0);
    await files.getByRole('button', { name: /^NOTES\.md/ }).waitFor();
    await folder.click();
    await files.getByRole('button', { name: /^src\/app\/main\.ts/ }).waitFor();
    await screenshotBothThemes(page, 'diff-tree');
  });

  it('resizes beside the chat with the drag handle, remembers the width, and pops out into a window', async () => {
    const { page } = browser;
    const aside = panel();
    const before = (await aside.boundingBox())!;
    const handle = aside.getByRole('separator', { name: 'Resize the changes panel' });
    const h = (await handle.boundingBox())!;
    await page.mouse.move(h.x + h.width / 2, h.y + 100);
    await page.mouse.down();
    await page.mouse.move(h.x - 200, h.y + 120, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => Math.round((await aside.boundingBox())!.width)).toBeGreaterThan(before.width + 150);
    const widened = Math.round((await aside.boundingBox())!.width);
    await screenshotBothThemes(page, 'diff-resized');
    await page.reload();
    await panel().waitFor();
    await expect.poll(async () => Math.round((await panel().boundingBox())!.width)).toBe(widened);
    // The keyboard moves it too.
    await panel().getByRole('separator', { name: 'Resize the changes panel' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => Math.round((await panel().boundingBox())!.width)).toBeLessThan(widened);

    await panel().getByRole('radio', { name: 'Pop out' }).click();
    const vw = page.viewportSize()!.width;
    await expect.poll(async () => (await panel().boundingBox())!.width).toBeGreaterThan(vw * 0.85);
    expect(await panel().getByRole('separator').count()).toBe(0);
    await screenshotDialogBothThemes(page, 'diff-modal');
    await panel().getByRole('radio', { name: 'Beside chat' }).click();
    await expect.poll(async () => (await panel().boundingBox())!.width).toBeLessThan(vw * 0.7);
  });

  it('shows how far behind main the session is and brings main in with Update from main', async () => {
    const { page } = browser;
    await writeFile(path.join(repo, 'README.md'), '# Demo\n\nMain moved on.\n');
    await git(repo, 'commit', '-q', '-am', 'readme on main');
    await reopenChanges(browser.page);
    const bar = panel().getByRole('region', { name: 'Session branch' });
    await bar.getByText('Behind main by 1 commit').waitFor();
    await screenshotBothThemes(page, 'branch-behind');
    await bar.getByRole('button', { name: 'Update from main' }).click();
    await bar.getByRole('status').getByText('Updated: 1 commit of main merged into the session branch.').waitFor();
    await bar.getByText('Up to date with main').waitFor();
    // The diff still holds only the session's own files.
    const files = page.getByRole('list', { name: 'Changed files' });
    expect(await files.getByRole('button', { name: /^README\.md/ }).count()).toBe(0);
  });

  it('pushes the branch and opens a pull request written from the prompts', async () => {
    const { page } = browser;
    const bar = panel().getByRole('region', { name: 'Session branch' });
    await bar.getByRole('button', { name: 'Push / pull request…' }).click();
    const form = page.getByRole('form', { name: 'Push the session branch' });
    expect(await form.getByRole('textbox', { name: 'Title' }).inputValue()).toBe('Please touch the app');
    expect(await form.getByRole('checkbox', { name: 'Open a pull request into main' }).isChecked()).toBe(true);
    await form.getByRole('textbox', { name: 'Description' }).fill('Touches the app.\nSecond line; $(not a shell)');
    await screenshotBothThemes(page, 'branch-push-form');
    await form.getByRole('button', { name: 'Push and open pull request' }).click();
    const done = bar.getByRole('status');
    await done.getByText(/^Pushed boocode\/.* to origin and opened a pull request\./).waitFor({ timeout: 30_000 });
    expect(await done.getByRole('link', { name: 'Open the pull request' }).getAttribute('href')).toBe('https://github.com/example/project/pull/7');
    const call = gh.calls('pr', 'create').at(-1)!;
    const branch = call[call.indexOf('--head') + 1]!;
    expect(call).toEqual(['pr', 'create', '--head', branch, '--base', 'main', '--title', 'Please touch the app', '--body', 'Touches the app.\nSecond line; $(not a shell)']);
    expect((await git(remote, 'show', `refs/heads/${branch}:src/app/main.ts`)).trim()).toBe('export const a = 2;');
  });

  it('refuses an update that conflicts, naming the file, and holds it while a turn runs', async () => {
    const { page } = browser;
    await writeFile(path.join(repo, 'src/app/main.ts'), 'export const a = 100;\n');
    await git(repo, 'commit', '-q', '-am', 'main edits main.ts');
    await reopenChanges(browser.page);
    const bar = panel().getByRole('region', { name: 'Session branch' });
    await bar.getByText('Behind main by 1 commit').waitFor();
    await bar.getByRole('button', { name: 'Update from main' }).click();
    const alert = bar.getByRole('alert');
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain("Not updated: the new commits of main conflict with the session's in this file. Nothing was changed.");
    expect(text).not.toContain('merge_conflict');
    expect(await alert.locator('li').allTextContents()).toEqual(['src/app/main.ts']);
    expect((await git(repo, 'status', '--porcelain')).trim()).toBe('');
    await screenshotBothThemes(page, 'branch-conflict');

    llm.push({ match: { lastUserIncludes: 'think slowly' }, text: Array.from({ length: 60 }, (_, i) => `t${i} `), chunkDelayMs: 100 });
    await send(page, 'think slowly');
    await lastReply(page).locator('.markdown', { hasText: 't2 ' }).waitFor();
    const update = bar.getByRole('button', { name: 'Update from main' });
    await expect.poll(() => update.isDisabled()).toBe(true);
    expect(await update.getAttribute('title')).toBe('A turn is running: wait for it to end.');
    await expect.poll(() => lastReply(page).getAttribute('aria-busy'), { timeout: 30_000 }).toBe('false');
    await expect.poll(() => update.isEnabled()).toBe(true);
  });

  it('fills the screen at 390 px, popped out or not', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 800 });
    await expect.poll(async () => Math.round((await panel().boundingBox())!.width)).toBe(390);
    expect(await panel().getByRole('separator').count()).toBe(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    await screenshotBothThemes(page, 'branch-narrow');
    await panel().getByRole('radio', { name: 'Pop out' }).click();
    await expect.poll(async () => Math.round((await panel().boundingBox())!.width)).toBe(390);
    await screenshotDialogBothThemes(page, 'branch-narrow-modal');
    await panel().getByRole('radio', { name: 'Beside chat' }).click();
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
