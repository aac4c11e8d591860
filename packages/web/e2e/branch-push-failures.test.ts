import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGh, type FakeGh, type FakeLlm } from '@boocode/testkit';
import { addBareRemote, git } from '@boocode/testkit/server';
import type { Browser } from './helpers/browser';
import { screenshotBothThemes } from './helpers/screenshots';
import { openNativeSession, type NativeSession } from './helpers/native-session';
import { changesPanel, lastReply, send, reopenChanges } from './helpers/ui';

/**
 * Push when a new pull request cannot be had, in Chromium against a real server: `gh` missing from the
 * server's PATH (no pull request offered, a plain push still works), `gh pr create` failing (the push
 * is kept and the panel says so in a sentence with gh's own words), gh logged out (said before pushing),
 * and a pull request already open for the branch (a link to it, not gh's refusal).
 */
describe('push without a new pull request in Chromium', () => {
  let llm: FakeLlm;
  let browser: Browser;
  let repo: string;
  let opened: NativeSession;
  let gh: FakeGh;
  let remote: string;
  /** The session branch, once the second test pushed it. */
  let branch: string;
  const ghRefusal = 'pull request create failed: GraphQL: Resource not accessible by integration (createPullRequest)';

  beforeAll(async () => {
    gh = fakeGh();
    gh.setInstalled(false);
    opened = await openNativeSession({ 'src/main.ts': 'export const a = 1;\n' }, 'pushfail', { env: gh.env });
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
    branch = text.match(/^The branch (\S+) was pushed/)![1]!;
    const call = gh.calls('pr', 'create').at(-1)!;
    expect(call.slice(0, 6)).toEqual(['pr', 'create', '--head', branch, '--base', 'main']);
    expect((await git(remote, 'rev-parse', `refs/heads/${branch}`)).trim()).toBe((await git(repo, 'rev-parse', branch)).trim());
    await screenshotBothThemes(page, 'push-pr-failed');

    await page.setViewportSize({ width: 390, height: 800 });
    await alert.waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    await screenshotBothThemes(page, 'push-pr-failed-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('says before pushing that gh is logged out, and links a pull request already open rather than gh\'s refusal', async () => {
    const { page } = browser;
    const form = page.getByRole('form', { name: 'Push the session branch' });
    gh.failWith(null);
    gh.setLoggedIn(false);
    await reopenChanges(page);
    await bar().getByRole('button', { name: 'Push…' }).click();
    await form.getByText('No pull request can be opened from here: gh on the server is not logged in to GitHub (gh auth status fails); run gh auth login there.').waitFor();
    expect(await form.getByRole('checkbox').count()).toBe(0);
    await screenshotBothThemes(page, 'push-gh-logged-out');
    await form.getByRole('button', { name: 'Cancel' }).click();

    gh.setLoggedIn(true);
    const url = gh.openPullRequest({ number: 3, title: 'Bump the constant', head: branch, base: 'main' });
    await reopenChanges(page);
    // The branch is on the remote: the bar links the pull request open for it.
    const open = bar().getByRole('link', { name: 'Pull request #3 is open' });
    await open.waitFor();
    expect(await open.getAttribute('href')).toBe(url);

    await bar().getByRole('button', { name: 'Push / pull request…' }).click();
    await form.getByRole('button', { name: 'Push and open pull request' }).click();
    const done = bar().getByRole('status');
    const link = done.getByRole('link', { name: 'Pull request #3 is already open for this branch' });
    await link.waitFor({ timeout: 30_000 });
    expect(await link.getAttribute('href')).toBe(url);
    expect(await done.textContent()).toBe(`Pushed ${branch} to origin. Pull request #3 is already open for this branch`);
    expect(await bar().getByRole('alert').count()).toBe(0);
    expect(gh.calls('pr', 'create').at(-1)!.slice(0, 6)).toEqual(['pr', 'create', '--head', branch, '--base', 'main']);
    await screenshotBothThemes(page, 'push-pr-already-open');

    await page.setViewportSize({ width: 390, height: 800 });
    await link.waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    await screenshotBothThemes(page, 'push-pr-already-open-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
