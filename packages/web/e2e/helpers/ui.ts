import type { Page } from 'playwright-core';

/** Steps a person takes in the UI, shared by the end-to-end tests. */

export async function addProject(page: Page, repoPath: string): Promise<void> {
  await page.getByRole('button', { name: 'Add project' }).click();
  await page.getByLabel('Repository path').fill(repoPath);
  await page.getByRole('form', { name: 'Add project' }).getByRole('button', { name: 'Add project' }).click();
  await page.getByRole('form', { name: 'Add project' }).waitFor({ state: 'detached' });
}

/** Starts a session in the project and waits for its first chat. Returns the session id. */
export async function newSession(page: Page, projectName: string): Promise<string> {
  const before = page.url();
  await page.getByRole('button', { name: `New session in ${projectName}` }).click();
  await page.waitForURL((u) => u.toString() !== before && u.searchParams.has('session'));
  await page.getByRole('tab', { name: 'Chat 1' }).waitFor();
  return new URL(page.url()).searchParams.get('session')!;
}

export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

/** The newest agent reply in the chat. */
export const lastReply = (page: Page) => page.getByRole('article', { name: /^Agent/ }).last();
