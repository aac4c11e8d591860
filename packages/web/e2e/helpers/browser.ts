import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { removeScratch, scratchDir } from '@boocode/testkit';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Another tab in the same profile (shares the session cookie). */
  newTab(): Promise<Page>;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, on a fresh profile that is deleted afterwards. */
export async function openBrowser(viewport = { width: 1280, height: 800 }): Promise<Browser> {
  const dir = scratchDir('boocode-chromium-');
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
  });
  // Fail a missing element in seconds rather than Playwright's default half minute.
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    newTab: () => context.newPage(),
    close: async () => {
      await context.close();
      removeScratch(dir);
    },
  };
}
