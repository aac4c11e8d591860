import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '@boocode/testkit';
import { makeGitRepo } from '@boocode/testkit/server';
import { openBrowser, type Browser } from './helpers/browser';
import { screenshotBothThemes } from './helpers/screenshots';
import { logIn, startBoocode, type RunningBoocode } from './helpers/server';

/**
 * The shell against a real `boocode serve`: sign-in, projects (with the server's validation
 * error), sessions, and a message posted from the composer.
 */
describe('workspace in Chromium', () => {
  let server: RunningBoocode;
  let browser: Browser;
  let repo: string;

  beforeAll(async () => {
    [server, browser, repo] = await Promise.all([startBoocode(), openBrowser(), makeGitRepo({ 'README.md': '# demo\n' }, 'demo')]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the sign-in screen without a cookie, then logs in with the one-time link', async () => {
    const { page } = browser;
    await page.goto(server.url);
    await expect.poll(() => page.getByText('Open the login link').count()).toBe(1);
    await screenshotBothThemes(page, 'sign-in');

    await logIn(page, server);
    await page.getByText('No projects yet').waitFor();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
  });

  it('renders the server error for a path that is not a git repository', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Add project' }).click();
    const plainDir = scratchDir('not-a-repo-');
    await page.getByLabel('Repository path').fill(plainDir);
    await page.getByRole('form', { name: 'Add project' }).getByRole('button', { name: 'Add project' }).click();
    const alert = page.getByRole('form', { name: 'Add project' }).getByRole('alert');
    await alert.waitFor();
    // A sentence up front; the code only under Details.
    expect(await alert.locator('.error-notice__message').textContent()).toContain(`${plainDir} is not a git repository (no .git found)`);
    expect(await alert.locator('code').isVisible()).toBe(false);
    await alert.getByText('Details').click();
    expect(await alert.locator('code').textContent()).toBe('not_a_git_repository');
    await screenshotBothThemes(page, 'add-project-error');
  });

  it('adds a git repository as a project and opens a new session in it', async () => {
    const { page } = browser;
    await page.getByLabel('Repository path').fill(repo);
    await page.getByRole('form', { name: 'Add project' }).getByRole('button', { name: 'Add project' }).click();
    await page.getByRole('button', { name: 'New session in demo' }).click();
    await page.getByRole('tab', { name: 'Chat 1' }).waitFor();
    await page.getByText('No messages yet').waitFor();
    expect(new URL(page.url()).searchParams.get('session')).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByText('Live', { exact: true }).count()).toBe(1);
    await screenshotBothThemes(page, 'empty-session');
  });

  it('posts a message from the composer and keeps it after a reload', async () => {
    const { page } = browser;
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Please read **README.md**');
    await box.press('Enter');
    const message = page.getByRole('article', { name: 'You' });
    await message.waitFor();
    expect(await message.locator('strong').textContent()).toBe('README.md');
    await expect.poll(() => box.inputValue()).toBe('');

    await page.reload();
    await page.getByRole('article', { name: 'You' }).waitFor();
    expect(await page.getByRole('article', { name: 'You' }).locator('strong').textContent()).toBe('README.md');
  });

  it('is usable on a narrow screen: the sidebar becomes a drawer', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 780 });
    await page.reload();
    const toggle = page.getByRole('button', { name: 'Show projects' });
    await toggle.waitFor();
    expect(await page.locator('#sidebar').isHidden()).toBe(true);
    await screenshotBothThemes(page, 'narrow-session');
    await toggle.click();
    expect(await page.locator('#sidebar').isVisible()).toBe(true);
    await screenshotBothThemes(page, 'narrow-sidebar');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('archives the session (read-only afterwards) and removes the project', async () => {
    const { page } = browser;
    const sessionId = new URL(page.url()).searchParams.get('session')!;
    await page.getByRole('button', { name: 'Archive session' }).click();
    await page.getByRole('group', { name: 'Archive session' }).getByRole('button', { name: 'Archive' }).click();
    await page.getByText('This session is archived').waitFor();
    expect(await page.getByRole('textbox', { name: 'Message' }).count()).toBe(0);
    await expect.poll(() => page.locator(`a.session-link[href*="${sessionId}"]`).count()).toBe(0);

    await page.getByRole('button', { name: 'Remove project demo' }).click();
    await page.getByRole('group', { name: 'Remove project demo' }).getByRole('button', { name: 'Remove' }).click();
    await page.getByText('No projects yet').waitFor();
  });
});
