import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginCode } from '@boocode/contracts';
import { makeGitRepo } from '@boocode/testkit/server';
import { openBrowser, type Browser } from './helpers/browser';
import { screenshotBothThemes, screenshotDialogBothThemes } from './helpers/screenshots';
import { logIn, startBoocode, type RunningBoocode } from './helpers/server';
import { addProject, lastReply, send } from './helpers/ui';

const FAKE_ACP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../testkit/bin/fake-acp.js');

/**
 * A built-in agent with notes (Gemini CLI): the new-session dialog lists its notes. The turn runs
 * on the fake ACP agent configured under a name of its own: it reports no usage, so its reply says
 * so; and it has no mode for the session's policy, so the composer says it cannot follow it.
 * The built-in `gemini` is the fake `gemini` put on PATH below (discovery does not search this
 * repository's node_modules/.bin, where the real gemini-cli is a devDependency with no key here).
 */
describe('agent notes, unreported usage and an unfollowed policy in Chromium', { timeout: 240_000 }, () => {
  let server: RunningBoocode;
  let browser: Browser;
  let phone: Browser;
  let repo: string;

  beforeAll(async () => {
    repo = await makeGitRepo({ 'a.txt': 'one\n' }, 'notes');
    const bin = path.join(repo, '..', 'notes-bin');
    mkdirSync(bin, { recursive: true });
    const script = path.join(bin, 'script.json');
    writeFileSync(script, JSON.stringify({ name: 'fake-acp', modes: ['build', 'plan'], fallback: { steps: [{ text: 'Hello from the agent.' }] } }));
    writeFileSync(path.join(bin, 'gemini'), `#!/bin/sh\nexec "${process.execPath}" "${FAKE_ACP}" --script "${script}"\n`);
    chmodSync(path.join(bin, 'gemini'), 0o755);
    [server, browser, phone] = await Promise.all([
      startBoocode({
        env: { PATH: `${bin}:${process.env.PATH ?? ''}` },
        agents: { fakeacp: { command: process.execPath, args: [FAKE_ACP, '--script', script], kind: 'acp' } },
      }),
      openBrowser(),
      openBrowser({ width: 390, height: 844 }),
    ]);
    await logIn(browser.page, server);
    // The printed login URL works once: the phone logs in with a code of its own.
    const code = await server.api<LoginCode>('POST', '/api/auth/codes');
    await phone.page.goto(server.url + code.url_path);
    await phone.page.waitForURL(`${server.url}/`);
    await addProject(browser.page, repo);
  });
  afterAll(async () => {
    await phone?.close();
    await browser?.close();
    await server?.stop();
  });

  it('lists the agent notes in the new-session dialog, and a reply without usage says so', async () => {
    const { page } = browser;
    const name = path.basename(repo);
    await page.getByRole('button', { name: `Start a session in ${name}, choosing agent and options` }).click();
    const dialog = page.getByRole('dialog', { name: `New session in ${name}` });
    // The list fills when the server's agent discovery ends, which a busy machine can stretch.
    await dialog.locator('select option[value="gemini"]:not([disabled])').waitFor({ state: 'attached', timeout: 90_000 });
    await dialog.getByRole('combobox', { name: 'Agent' }).selectOption('gemini');
    const notes = dialog.getByRole('list', { name: 'About Gemini CLI' });
    await notes.waitFor();
    expect(await notes.textContent()).toContain('cannot create a new file through BooCode');
    await screenshotDialogBothThemes(page, 'new-session-notes');

    // The turn runs on the fake under its own name, which the notes below name.
    await dialog.getByRole('combobox', { name: 'Agent' }).selectOption('fakeacp');
    await dialog.getByRole('button', { name: 'Start session' }).click();
    await page.getByRole('tab', { name: 'Chat 1' }).waitFor();
    await send(page, 'hello');
    await lastReply(page).getByText('Hello from the agent.').waitFor({ timeout: 60_000 });
    await lastReply(page).getByText('tokens not reported').waitFor();
    const note = page.getByRole('note');
    await note.waitFor();
    expect(await note.textContent()).toMatch(/^fakeacp cannot follow “Ask before acting”\. The session asks it to ask before it edits or runs anything/);
    await screenshotBothThemes(page, 'usage-not-reported');

    await phone.page.goto(page.url());
    await lastReply(phone.page).getByText('tokens not reported').waitFor({ timeout: 20_000 });
    await phone.page.getByRole('note').waitFor();
    await screenshotBothThemes(phone.page, 'narrow-usage-not-reported');
  });
});
