import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openNativeSession, type NativeSession } from './helpers/native-session';
import { reactCommitHook } from './helpers/react-hook';
import { lastReply, send } from './helpers/ui';

/**
 * Which parts of the page React renders again while a reply streams, seen through the hook React
 * offers developer tools (it calls it in production builds too): each commit, every component
 * that rendered is placed by the first element it draws. Deltas arrive many times a second, so a
 * part that renders with each of them costs frames.
 */
const RENDER_PROBE = reactCommitHook(
  `window.__renders = {};
  window.__countRenders = false;
  const REGIONS = { composer: 'form.composer', header: '.session-header', tabs: '[role="tablist"]', messages: '[data-testid="message-list"]' };
  const firstElement = (f) => {
    for (let c = f.child; c; c = c.child) if (c.tag === 5) return c.stateNode;
    return null;
  };
  const note = (f) => {
    const el = firstElement(f);
    if (!el) return;
    for (const [region, selector] of Object.entries(REGIONS)) {
      if (el.closest(selector)) window.__renders[region] = (window.__renders[region] || 0) + 1;
    }
  };
  const walk = (f) => {
    for (; f; f = f.sibling) {
      // Function, class and forwardRef components that did work in this commit.
      if ((f.tag === 0 || f.tag === 1 || f.tag === 11 || f.tag === 15) && (f.flags & 1)) note(f);
      // A subtree React skipped keeps its children: nothing in it rendered.
      if (f.child && (!f.alternate || f.child !== f.alternate.child)) walk(f.child);
    }
  };`,
  'if (window.__countRenders) walk(root.current.child);',
);

const renders = (page: Page) => page.evaluate(() => (window as unknown as { __renders: Record<string, number> }).__renders);

describe('a streaming reply in Chromium', () => {
  let opened: NativeSession;

  beforeAll(async () => {
    opened = await openNativeSession({ 'README.md': '# Demo\n' }, 'renders');
    await opened.browser.context.addInitScript(RENDER_PROBE);
    await opened.browser.page.reload();
    await opened.browser.page.getByRole('textbox', { name: 'Message' }).waitFor();
  });
  afterAll(() => opened?.close());

  it('renders its message with each delta, not the input box, the header or the chat tabs', async () => {
    const { page } = opened.browser;
    // A long reply, counted over a stretch well inside it: the frames that start and end a turn
    // rightly change the input box (Stop, Queue), and a busy machine may be slow to look.
    const words = Array.from({ length: 120 }, (_, i) => `word${String(i).padStart(3, '0')} `);
    opened.llm.push({ match: { lastUserIncludes: 'count to 120' }, text: words, chunkDelayMs: 40 });
    await send(page, 'Please count to 120');
    const reply = lastReply(page);
    const shown = async () => (await reply.textContent()) ?? '';
    await expect.poll(shown, { timeout: 20_000 }).toContain('word005');
    await page.evaluate(() => ((window as unknown as { __countRenders: boolean }).__countRenders = true));
    await expect.poll(shown, { timeout: 20_000 }).toContain('word030');
    await page.evaluate(() => ((window as unknown as { __countRenders: boolean }).__countRenders = false));
    // Counted while the reply was still streaming (else the turn's end was counted too).
    expect(await shown()).not.toContain('word119');
    const counted = await renders(page);
    // The probe sees the message list render as the text grows...
    expect(counted.messages ?? 0).toBeGreaterThan(0);
    // ...and nothing else that the deltas do not change.
    expect({ composer: counted.composer ?? 0, header: counted.header ?? 0, tabs: counted.tabs ?? 0 }).toEqual({ composer: 0, header: 0, tabs: 0 });
    await expect.poll(() => reply.getAttribute('aria-busy'), { timeout: 20_000 }).toBe('false');
  });
});
