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

/** Pastes a PNG drawn in the page into the message box, as a screenshot pasted from the clipboard would be. */
export async function pastePng(page: Page, name: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).evaluate(async (box, fileName) => {
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 100;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#5b4ce0';
    g.fillRect(0, 0, 160, 100);
    g.fillStyle = '#ffd34d';
    g.fillRect(20, 20, 60, 60);
    const blob = await new Promise<Blob>((r) => canvas.toBlob((b) => r(b!), 'image/png'));
    const dt = new DataTransfer();
    dt.items.add(new File([blob], fileName, { type: 'image/png' }));
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, name);
}

/** The session's changes panel. */
export const changesPanel = (page: Page) => page.getByRole('complementary', { name: 'Changes' });

/** Closes and opens the changes panel: it reads the branch status (remote, gh, base) when it opens. */
export async function reopenChanges(page: Page): Promise<void> {
  await changesPanel(page).getByRole('button', { name: 'Close changes' }).click();
  await page.getByRole('button', { name: 'Show changes' }).click();
}
