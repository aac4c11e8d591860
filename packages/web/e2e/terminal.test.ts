import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { killTmuxServer, makeGitRepo } from '@boocode/testkit/server';
import { openBrowser, type Browser } from './helpers/browser';
import { screenshotBothThemes } from './helpers/screenshots';
import { logIn, startBoocode, type RunningBoocode } from './helpers/server';
import { addProject, newSession } from './helpers/ui';

/** Screenshots of the terminal pane, outside the repository. */
const SHOTS = path.join(tmpdir(), 'boocode-terminal-screenshots');

/** The find box counts matches in the browser's own terminal buffer: what it finds, the page shows. */
async function findInTerminal(page: Page, text: string): Promise<string> {
  const box = page.getByRole('searchbox', { name: 'Find in terminal' });
  await box.fill(text);
  await box.press('Enter');
  const count = page.locator('.terminal-panel__count');
  await expect.poll(() => count.textContent()).not.toBe('');
  return (await count.textContent()) ?? '';
}

describe('terminal pane in Chromium', () => {
  let server: RunningBoocode;
  let browser: Browser;
  let repo: string;

  beforeAll(async () => {
    [server, browser, repo] = await Promise.all([startBoocode({ env: { SHELL: '/bin/sh' } }), openBrowser(), makeGitRepo({ 'README.md': '# demo\n' }, 'demo')]);
  });
  afterAll(async () => {
    await browser?.close();
    if (server) await killTmuxServer(server.home);
    await server?.stop();
  });

  it('opens a terminal in a session, runs echo, sees and finds the output, and finds it again after a reload', async () => {
    const { page } = browser;

    await logIn(page, server);
    await addProject(page, repo);
    await newSession(page, 'demo');

    await page.getByRole('button', { name: 'Show terminal' }).click();
    await page.getByRole('button', { name: 'Open a terminal' }).click();
    await page.getByRole('tab', { name: 'sh' }).waitFor();
    const screen = page.getByTestId('terminal-screen');
    await screen.click();
    await page.keyboard.type('echo hello-$((6*7)) from the browser');
    await page.keyboard.press('Enter');
    // The command line holds `$((6*7))`: only the shell's answer holds `hello-42`.
    await expect.poll(() => findInTerminal(page, 'hello-42 from'), { timeout: 15_000 }).toBe('1 of 1');
    expect(await findInTerminal(page, 'no such text anywhere')).toBe('No matches');

    await page.reload();
    await page.getByRole('tab', { name: 'sh' }).waitFor();
    await expect.poll(() => findInTerminal(page, 'hello-42 from'), { timeout: 15_000 }).toBe('1 of 1');
    // The same shell, still taking input.
    await page.getByTestId('terminal-screen').click();
    await page.keyboard.type('echo again-$((1+1))');
    await page.keyboard.press('Enter');
    await expect.poll(() => findInTerminal(page, 'again-2'), { timeout: 15_000 }).toBe('1 of 1');
    await page.getByRole('searchbox', { name: 'Find in terminal' }).fill('');
    await screenshotBothThemes(page, 'terminal', SHOTS);
  });

  it('opens a second terminal in a tab, renames and closes it', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'New terminal' }).click();
    const tabs = page.getByRole('tablist', { name: 'Terminals' }).getByRole('tab');
    await expect.poll(() => tabs.count()).toBe(2);
    await tabs.nth(1).dblclick();
    const name = page.getByRole('textbox', { name: 'Terminal name' });
    await name.fill('tests');
    await name.press('Enter');
    await page.getByRole('tab', { name: 'tests' }).waitFor();
    await page.getByRole('button', { name: 'Close terminal tests' }).click();
    await expect.poll(() => tabs.count()).toBe(1);
    // Back on the first terminal, attached again: its screen is back.
    await expect.poll(() => findInTerminal(page, 'again-2'), { timeout: 15_000 }).toBe('1 of 1');
    await page.getByRole('searchbox', { name: 'Find in terminal' }).fill('');

  });

  it('reconnects after the connection is lost, with what was printed meanwhile', async () => {
    const { page } = browser;

    // As abrupt as a network that vanishes: the sockets just end.
    server.process.child.kill('SIGKILL');
    await server.process.exited;
    await page.getByRole('status').filter({ hasText: 'Connection lost' }).waitFor();
    // What was on the screen stays while the connection is down.
    expect(await findInTerminal(page, 'hello-42 from')).toBe('1 of 1');
    await page.getByRole('searchbox', { name: 'Find in terminal' }).fill('');
    await screenshotBothThemes(page, 'terminal-reconnecting', SHOTS);
    // While no server runs, the shell keeps going in tmux: type into it from outside.
    const tmux = (...args: string[]) => promisify(execFile)('tmux', ['-S', path.join(server.home, 'tmux.sock'), ...args]);
    const names = (await tmux('list-sessions', '-F', '#{session_name}')).stdout.trim().split('\n');
    expect(names).toHaveLength(1);
    await tmux('send-keys', '-t', `=${names[0]}:`, 'echo while-away-$((2+3))', 'Enter');
    await server.restart();
    await expect.poll(() => findInTerminal(page, 'while-away-5'), { timeout: 30_000 }).toBe('1 of 1');
    expect(await findInTerminal(page, 'hello-42 from')).toBe('1 of 1');
    await page.getByRole('status').filter({ hasText: 'Connection lost' }).waitFor({ state: 'detached' });
    await page.getByRole('searchbox', { name: 'Find in terminal' }).fill('');
  });

  it('fits a phone-sized screen', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('tab', { name: 'sh' }).waitFor();
    // The pane covers the width and, once the terminal has its new size, nothing in it sticks out.
    const rightEdge = () =>
      page.evaluate(() => Math.max(...[...document.querySelectorAll('.side-panel--terminal, .side-panel--terminal *')].map((el) => el.getBoundingClientRect().right)));
    await expect.poll(rightEdge, { timeout: 10_000 }).toBeLessThanOrEqual(390);
    await expect.poll(() => findInTerminal(page, 'while-away-5'), { timeout: 15_000 }).toBe('1 of 1');
    await screenshotBothThemes(page, 'terminal-390', SHOTS);
  });
});
