import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import type { Browser } from './helpers/browser';
import { screenshotBothThemes, screenshotDialogBothThemes } from './helpers/screenshots';
import { startWithFakeAcp } from './helpers/fake-acp';
import { logIn, type RunningBoocode } from './helpers/server';
import { addProject, lastReply, send } from './helpers/ui';

/**
 * A session started from the dialog with a model from the agent's own list (the native agent's
 * endpoint `/models` on the fake LLM, the fake ACP agent's model option), and its mode changed
 * in the composer between turns.
 */
describe('models and modes in Chromium', () => {
  let llm: FakeLlm;
  let server: RunningBoocode;
  let browser: Browser;

  beforeAll(async () => {
    llm = await startFakeLlm({ models: ['gamma-coder', 'beta-coder'], fallback: { text: 'Native here.' } });
    let repo: string;
    ({ server, browser, repo } = await startWithFakeAcp('settings', { name: 'fake-acp', models: ['fake/alpha', 'fake/beta'], modes: ['default', 'plan', 'yolo'], fallback: { steps: [{ text: 'ACP here.' }] } }, { env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'gamma-coder' } }));
    await logIn(browser.page, server);
    await addProject(browser.page, repo);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await llm?.close();
  });

  const openDialog = async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Start a session in settings, choosing agent and options' }).click();
    return page.getByRole('dialog', { name: 'New session in settings' });
  };
  const sessionNow = async () => {
    const id = new URL(browser.page.url()).searchParams.get('session')!;
    return server.api<Session>('GET', `/api/sessions/${id}`);
  };

  it("starts a native session on a model from its endpoint's list", async () => {
    const { page } = browser;
    const dialog = await openDialog();
    await dialog.getByLabel('Agent').selectOption('native');
    const model = dialog.getByRole('combobox', { name: 'Model' });
    await expect.poll(() => model.locator('option').allTextContents(), { timeout: 30_000 }).toEqual(["The agent's default", 'beta-coder', 'gamma-coder']);
    await model.selectOption('beta-coder');
    await dialog.getByLabel('Name').fill('Native on beta');
    await screenshotDialogBothThemes(page, 'new-session-dialog-models');
    await dialog.getByRole('button', { name: 'Start session' }).click();
    await page.getByRole('heading', { name: 'Native on beta', level: 1 }).waitFor();
    expect(await sessionNow()).toMatchObject({ agent: 'native', model: 'beta-coder' });
    await send(page, 'hello native');
    await lastReply(page).getByText('Native here.').waitFor({ timeout: 60_000 });
    expect(llm.requests.at(-1)?.body).toMatchObject({ model: 'beta-coder' });
    // The composer offers the same list, the session's model selected.
    expect(await page.locator('.composer').getByRole('combobox', { name: 'Model' }).inputValue()).toBe('beta-coder');
    // The native agent has no modes: no mode select.
    expect(await page.locator('.composer').getByRole('combobox', { name: 'Mode', exact: true }).count()).toBe(0);
  });

  it("starts an ACP session on a model from the agent's list, then changes its mode between turns", async () => {
    const { page } = browser;
    const dialog = await openDialog();
    await dialog.getByLabel('Agent').selectOption('fakeacp');
    const model = dialog.getByRole('combobox', { name: 'Model' });
    await expect.poll(() => model.locator('option').allTextContents(), { timeout: 60_000 }).toEqual(["The agent's default", 'fake/alpha', 'fake/beta']);
    await model.selectOption('fake/beta');
    await dialog.getByLabel('Name').fill('ACP on beta');
    await dialog.getByRole('button', { name: 'Start session' }).click();
    await page.getByRole('heading', { name: 'ACP on beta', level: 1 }).waitFor();
    expect(await sessionNow()).toMatchObject({ agent: 'fakeacp', model: 'fake/beta', mode: null });

    await send(page, 'first');
    await lastReply(page).getByText('ACP here.').waitFor({ timeout: 60_000 });
    // The agent told its modes: the select shows its current one.
    const mode = page.locator('.composer').getByRole('combobox', { name: 'Mode', exact: true });
    await expect.poll(() => mode.inputValue(), { timeout: 30_000 }).toBe('default');
    expect(await mode.locator('option').allTextContents()).toEqual(['default', 'plan', 'yolo']);
    await mode.selectOption('plan');
    await expect.poll(async () => (await sessionNow()).mode).toBe('plan');
    await screenshotBothThemes(page, 'composer-model-mode');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshotBothThemes(page, 'composer-model-mode-390');
    await page.setViewportSize({ width: 1280, height: 800 });

    await send(page, 'second');
    await expect.poll(() => page.getByRole('article', { name: /^Agent/ }).count(), { timeout: 60_000 }).toBe(2);
    await lastReply(page).getByText('ACP here.').waitFor({ timeout: 60_000 });
    expect(await mode.inputValue()).toBe('plan');
  });
});
