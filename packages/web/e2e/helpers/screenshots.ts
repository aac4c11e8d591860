import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { WEB_DIR } from './web-build';

export const SCREENSHOT_DIR = path.join(WEB_DIR, 'e2e/screenshots');

/** Saves `<name>-light.png` and `<name>-dark.png` (git-ignored, or in `dir`) for a person to look at. */
export async function screenshotBothThemes(page: Page, name: string, dir = SCREENSHOT_DIR): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    await page.screenshot({ path: path.join(dir, `${name}-${theme}.png`) });
  }
  await setTheme(page, 'light');
}

/** Uses the theme button, as a person would. */
export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const current = await page.evaluate(() => document.documentElement.dataset.theme);
  if (current !== theme) await page.getByRole('button', { name: `Switch to ${theme} theme` }).click();
  await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
}

/** For a page under a dialog, which covers the theme button: sets the theme on the document directly. */
export async function screenshotDialogBothThemes(page: Page, name: string, dir = SCREENSHOT_DIR): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const before = await page.evaluate(() => document.documentElement.dataset.theme);
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    await page.screenshot({ path: path.join(dir, `${name}-${theme}.png`) });
  }
  await page.evaluate((t) => (document.documentElement.dataset.theme = t ?? 'light'), before);
}
