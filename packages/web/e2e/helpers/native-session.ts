import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo } from '@boocode/testkit/server';
import { openBrowser, type Browser } from './browser';
import { logIn, startBoocode, type RunningBoocode } from './server';
import { addProject, newSession } from './ui';

export interface NativeSession {
  llm: FakeLlm;
  server: RunningBoocode;
  browser: Browser;
  repo: string;
  close(): Promise<void>;
}

/**
 * The native agent on the fake LLM, a real server, Chromium logged in, the repository (`files`)
 * added as project `name` and a new session of it open: where most browser tests of turns start.
 * `env` adds to the server's environment.
 */
export async function openNativeSession(files: Record<string, string>, name: string, env: Record<string, string> = {}): Promise<NativeSession> {
  const llm = await startFakeLlm();
  const [server, browser, repo] = await Promise.all([
    startBoocode({ env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake-model', ...env } }),
    openBrowser(),
    makeGitRepo(files, name),
  ]);
  await logIn(browser.page, server);
  await addProject(browser.page, repo);
  await newSession(browser.page, name);
  return {
    llm,
    server,
    browser,
    repo,
    close: async () => {
      await browser.close();
      await server.stop();
      await llm.close();
    },
  };
}
