import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, spawnServe, type ServeProcess } from '@boocode/testkit/server';
import type { Page } from 'playwright-core';
import { ensureWebBuilt } from './web-build';

export interface RunningBoocode {
  url: string;
  /** One-time login URL printed by `serve`. */
  loginUrl: string;
  home: string;
  process: ServeProcess;
  stop(): Promise<void>;
}

/**
 * A real `boocode serve` child process on a temporary BOOCODE_HOME and a throwaway database,
 * serving the built web UI.
 */
export async function startBoocode(env: Record<string, string> = {}): Promise<RunningBoocode> {
  ensureWebBuilt();
  const home = await mkdtemp(path.join(tmpdir(), 'boocode-e2e-'));
  const databaseUrl = await createTestDatabase();
  const proc = await spawnServe(['--port', '0', '--home', home], { DATABASE_URL: databaseUrl, ...env });
  return {
    url: proc.url,
    loginUrl: proc.loginUrl,
    home,
    process: proc,
    stop: async () => {
      proc.child.kill('SIGTERM');
      await proc.exited;
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Opens the login link in the page: the server sets the cookie and redirects to the app. */
export async function logIn(page: Page, server: RunningBoocode): Promise<void> {
  await page.goto(server.loginUrl);
  await page.waitForURL(`${server.url}/`);
}
