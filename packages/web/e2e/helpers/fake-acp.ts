import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { fakeAcpBin } from '@boocode/testkit';
import { makeGitRepo } from '@boocode/testkit/server';
import { openBrowser, type Browser } from './browser';
import { startBoocode, type RunningBoocode } from './server';

export interface FakeAcpSetup {
  server: RunningBoocode;
  browser: Browser;
  repo: string;
}

export interface FakeAcpOptions {
  /** The agent's name in config.json. */
  agent?: string;
  /** Added to the server's environment. */
  env?: Record<string, string>;
  /** config.json `acp` settings. */
  acp?: Record<string, unknown>;
}

/**
 * A repository named `name`, the fake ACP agent (a real ACP process) registered with `script`,
 * a real server and Chromium: where the browser tests of external agents start.
 */
export async function startWithFakeAcp(name: string, script: object | ((dir: string) => object), opts: FakeAcpOptions = {}): Promise<FakeAcpSetup> {
  const repo = await makeGitRepo({ 'a.txt': 'one\n' }, name);
  // The script (and any state file it names) lives beside the repository, outside the worktree.
  const dir = path.join(repo, '..');
  const file = path.join(dir, `fake-acp-${name}.json`);
  await writeFile(file, JSON.stringify(typeof script === 'function' ? script(dir) : script));
  const [server, browser] = await Promise.all([
    startBoocode({
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.acp ? { acp: opts.acp } : {}),
      agents: { [opts.agent ?? 'fakeacp']: { command: process.execPath, args: [fakeAcpBin, '--script', file], kind: 'acp' } },
    }),
    openBrowser(),
  ]);
  return { server, browser, repo };
}

/** Picks `agent` in the open session's composer once the server's agent discovery lists it. */
export async function chooseAgent(page: Page, agent = 'fakeacp'): Promise<void> {
  // Discovery runs once at start-up, and a busy machine can stretch it.
  await page.locator(`select[aria-label="Agent"] option[value="${agent}"]`).waitFor({ state: 'attached', timeout: 90_000 });
  await page.getByRole('combobox', { name: 'Agent' }).selectOption(agent);
  await page.getByText(new RegExp(agent)).first().waitFor();
}
