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

export interface RecordedNotification {
  title: string;
  body: string;
}

/**
 * The browser boundary for notifications: a Notification API that grants permission and records
 * what would be shown, and `__hide()` to make the page read as hidden (a background tab).
 */
export async function recordNotifications(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __notes: { title: string; body: string }[]; Notification: unknown; __hide: () => void };
    w.__notes = [];
    class RecordingNotification {
      static permission = 'default';
      static requestPermission() {
        RecordingNotification.permission = 'granted';
        return Promise.resolve('granted');
      }
      onclick: (() => void) | null = null;
      constructor(title: string, opts?: { body?: string }) {
        w.__notes.push({ title, body: opts?.body ?? '' });
      }
      close() {}
    }
    w.Notification = RecordingNotification;
    w.__hide = () => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    };
  });
}

/** What the page would have shown as notifications so far. */
export const recordedNotifications = (page: Page): Promise<RecordedNotification[]> =>
  page.evaluate(() => (window as unknown as { __notes: { title: string; body: string }[] }).__notes);
