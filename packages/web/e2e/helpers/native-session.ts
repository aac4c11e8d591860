import { startFakeLlm, type FakeLlm, type FakeLlmOptions } from '@boocode/testkit';
import { makeGitRepo } from '@boocode/testkit/server';
import { openBrowser, type Browser } from './browser';
import { logIn, startBoocode, type BoocodeOptions, type RunningBoocode } from './server';
import { addProject, newSession } from './ui';

export interface NativeSession {
  llm: FakeLlm;
  server: RunningBoocode;
  browser: Browser;
  repo: string;
  close(): Promise<void>;
}

export interface NativeSessionOptions {
  /** Added to the server's environment (and may name another model in `BOOCODE_NATIVE_MODEL`). */
  env?: Record<string, string>;
  /** The native agent's settings in config.json (context window, compaction threshold). */
  native?: BoocodeOptions['native'];
  llm?: FakeLlmOptions;
}

/**
 * The native agent on the fake LLM, a real server, Chromium logged in, the repository (`files`)
 * added as project `name` and a new session of it open: where most browser tests of turns start.
 */
export async function openNativeSession(files: Record<string, string>, name: string, opts: NativeSessionOptions = {}): Promise<NativeSession> {
  const llm = await startFakeLlm(opts.llm);
  const [server, browser, repo] = await Promise.all([
    startBoocode({ env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake-model', ...opts.env }, ...(opts.native ? { native: opts.native } : {}) }),
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
