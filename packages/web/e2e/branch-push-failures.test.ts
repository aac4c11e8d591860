import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGh, type FakeGh, type FakeLlm } from '@boocode/testkit';
import { addBareRemote, git } from '@boocode/testkit/server';
import type { Browser } from './helpers/browser';
import { screenshotBothThemes } from './helpers/screenshots';
import { openNativeSession, type NativeSession } from './helpers/native-session';
import { changesPanel, lastReply, send, reopenChanges } from './helpers/ui';

/**
 * Push when a pull request cannot be had, in Chromium against a real server: `gh` missing from the
 * server's PATH (no pull request offered, a plain push still works), and `gh pr create` failing
 * (the push is kept and the panel says so in a sentence with gh's own words).
 */
describe('push without a pull request in Chromium', () => {
  let llm: FakeLlm;
  let browser: Browser;
  let repo: string;
  let opened: NativeSession;
  let gh: FakeGh;
  let remote: string;
  const ghRefusal = 'pull request create failed: GraphQL: Resource not accessible by integration (createPullRequest)';

  beforeAll(async () => {
    gh = fakeGh();
    gh.setInstalled(false);
    opened = await openNativeSession({ 'src/main.ts': 'export const a = 1;\n' }, 'pushfail', { env: { PATH: gh.path } });
    ({ llm, browser, repo } = opened);
    remote = await addBareRemote(repo);
  });
  afterAll(() => opened?.close());

  const panel = () => changesPanel(browser.page);
  const bar = () => panel().getByRole('region', { name: 'Session branch' });

  it('offers a plain push, says why there is no pull request, and pushes', async () => {
    const { page } = browser;
    const match = { lastUserIncludes: 'bump the constant' };
    llm.push({ match, toolCalls: [{ name: 'edit_file', arguments: { path: 'src/main.ts', old_string: 'a = 1', new_string: 'a = 2' } }] }, { match, text: 'Bumped.' });
    await send(page, 'Please bump the constant');
    await lastReply(page).getByText('Bumped.').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Show changes' }).click();

    await bar().getByRole('button', { name: 'Push…' }).click();
    expect(await bar().getByRole('button', { name: 'Push / pull request…' }).count()).toBe(0);
    const form = page.getByRole('form', { name: 'Push the session branch' });
    await form.getByText("No pull request can be opened from here: the gh command is not installed on the server's PATH.").waitFor();
    expect(await form.getByRole('checkbox').count()).toBe(0);
    await screenshotBothThemes(page, 'push-no-gh');

    await form.getByRole('button', { name: 'Push', exact: true }).click();
    const done = bar().getByRole('status');
    await done.getByText(/^Pushed boocode\/\S+ to origin\.$/).waitFor({ timeout: 30_000 });
    const branch = (await done.textContent())!.match(/^Pushed (\S+) to origin\.$/)![1]!;
    expect((await git(remote, 'show', `refs/heads/${branch}:src/main.ts`)).trim()).toBe('export const a = 2;');
    expect(gh.calls()).toEqual([]);
  });

  it('keeps the push when gh pr create fails and says so with what gh said', async () => {
    const { page } = browser;
    gh.setInstalled(true);
    gh.failWith(ghRefusal);
    await reopenChanges(browser.page);
    await bar().getByRole('button', { name: 'Push / pull request…' }).click();
    const form = page.getByRole('form', { name: 'Push the session branch' });
    expect(await form.getByRole('checkbox', { name: 'Open a pull request into main' }).isChecked()).toBe(true);
    await form.getByRole('button', { name: 'Push and open pull request' }).click();

    const alert = bar().getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    const text = (await alert.textContent()) ?? '';
    expect(text).toMatch(new RegExp(`^The branch (boocode/\\S+) was pushed to origin, but gh could not open the pull request: ${ghRefusal.replace(/[()]/g, '\\$&')}\\.$`));
    expect(text).not.toMatch(/pull_request_failed|Not pushed|[{}"]/);
    const branch = text.match(/^The branch (\S+) was pushed/)![1]!;
    const call = gh.calls().at(-1)!;
    expect(call.slice(0, 6)).toEqual(['pr', 'create', '--head', branch, '--base', 'main']);
    expect((await git(remote, 'rev-parse', `refs/heads/${branch}`)).trim()).toBe((await git(repo, 'rev-parse', branch)).trim());
    await screenshotBothThemes(page, 'push-pr-failed');

    await page.setViewportSize({ width: 390, height: 800 });
    await alert.waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    await screenshotBothThemes(page, 'push-pr-failed-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
