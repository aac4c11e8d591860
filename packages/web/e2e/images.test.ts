import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import type { Browser } from './helpers/browser';
import { SCREENSHOT_DIR, screenshotBothThemes, setTheme } from './helpers/screenshots';
import { startWithFakeAcp } from './helpers/fake-acp';
import { logIn, type RunningBoocode } from './helpers/server';
import { addProject, lastReply, newSession, pastePng, send } from './helpers/ui';

/**
 * Images in the composer, in Chromium against a real server: pasted, shown as thumbnails and
 * full size, received by the native agent (the fake LLM records the image part); a file that
 * only claims to be an image is refused by its content; an agent without image support is
 * refused before sending.
 */
describe('images in the composer', () => {
  let llm: FakeLlm;
  let server: RunningBoocode;
  let browser: Browser;

  beforeAll(async () => {
    llm = await startFakeLlm();
    let repo: string;
    ({ server, browser, repo } = await startWithFakeAcp('pics', { name: 'blind-acp', capabilities: { image: false }, turns: [] }, { agent: 'blind', env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake-model' } }));
    await logIn(browser.page, server);
    await addProject(browser.page, repo);
    await newSession(browser.page, 'pics');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await llm?.close();
  });

  it('pastes an image, shows its thumbnail and full size, and the native agent receives it', async () => {
    const { page } = browser;
    await pastePng(page, 'sketch.png');
    const strip = page.getByRole('list', { name: 'Attached images' });
    await strip.getByRole('button', { name: 'View sketch.png' }).waitFor();
    await screenshotBothThemes(page, 'composer-image');

    llm.push({ match: { lastUserIncludes: 'what is in the picture' }, text: 'A yellow square on purple.' });
    await send(page, 'what is in the picture?');
    await lastReply(page).getByText('A yellow square on purple.').waitFor({ timeout: 30_000 });
    // The model got the image as an image part of the user's message, with the bytes we pasted.
    const request = llm.requests.find((r) => r.images.length > 0);
    expect(request?.images).toHaveLength(1);
    expect(request!.images[0]!.url).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(await strip.count()).toBe(0); // sent: the composer is empty again

    // The user's bubble shows the thumbnail, served by hash, so it is still there after a reload;
    // it opens full size (once per theme: the theme button is behind the modal view).
    await page.reload();
    const bubble = page.getByRole('article', { name: 'You' }).last();
    const dialog = page.getByRole('dialog', { name: 'Image 1' });
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await bubble.getByRole('button', { name: 'View image 1' }).click();
      await dialog.waitFor();
      expect(await dialog.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(160);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `image-lightbox-${theme}.png`) });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    }
    await setTheme(page, 'light');
  });

  it('refuses a file that is not an image, whatever its name says', async () => {
    const { page } = browser;
    await page.getByLabel('Image files').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('just text, not a picture') });
    const problems = page.locator('.image-strip__problems');
    await problems.waitFor();
    expect(await problems.textContent()).toBe('notes.png is not a PNG, JPEG, GIF, WebP image.');
    expect(await page.getByRole('list', { name: 'Attached images' }).count()).toBe(0);
  });

  it('refuses images before sending when the agent cannot take them', async () => {
    const { page } = browser;
    await page.locator('select[aria-label="Agent"] option[value="blind"]').waitFor({ state: 'attached', timeout: 90_000 });
    await page.getByRole('combobox', { name: 'Agent' }).selectOption('blind');
    await pastePng(page, 'diagram.png');
    const problems = page.locator('.image-strip__problems');
    await problems.getByText(/cannot take images\. Remove them, or pick an agent that can\./).waitFor();
    await page.getByRole('textbox', { name: 'Message' }).fill('look at this');
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await screenshotBothThemes(page, 'image-refused');
    await page.setViewportSize({ width: 390, height: 800 });
    await screenshotBothThemes(page, 'narrow-image-refused');
    await page.setViewportSize({ width: 1280, height: 800 });
    // Removing the image lets the message go.
    await page.getByRole('button', { name: 'Remove diagram.png' }).click();
    expect(await page.getByRole('button', { name: 'Send' }).isEnabled()).toBe(true);
  });
});
