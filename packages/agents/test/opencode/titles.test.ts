import { describe, expect, it } from 'vitest';
import { OpenCodeSettings } from '../../src/backends/opencode.js';
import { OpenCodeSessionTitle } from '../../src/opencode/titles.js';
import { isPlaceholderTitle, parseSessionEvent } from '../../src/opencode/wire.js';

/** opencode's `session.updated` as 1.18.33 sends it (trimmed): the whole session in `info`. */
const updated = (title: unknown) => ({
  sessionID: 'ses_1',
  info: { id: 'ses_1', slug: 'neon-panda', directory: '/w', title, version: '1.18.33', time: { created: 1, updated: 2 } },
});

describe("opencode's session titles", () => {
  it('reads the title from session.updated and refuses a malformed one', () => {
    expect(parseSessionEvent('session.updated', updated('Postgres API connection'))).toEqual({
      type: 'session.updated',
      sessionID: 'ses_1',
      title: 'Postgres API connection',
    });
    expect(parseSessionEvent('session.updated', updated(42))).toBeNull();
    expect(parseSessionEvent('session.updated', { info: { title: 'no session id' } })).toBeNull();
    expect(parseSessionEvent('session.updated', null)).toBeNull();
  });

  it("tells opencode's placeholder titles from real ones", () => {
    expect(isPlaceholderTitle('New session - 2026-12-01T06:41:39.670Z')).toBe(true);
    expect(isPlaceholderTitle('Child session - 2026-12-01T06:41:39.670Z')).toBe(true);
    expect(isPlaceholderTitle('New session - about dates')).toBe(false);
    expect(isPlaceholderTitle('Postgres API connection')).toBe(false);
  });

  it('reports a real title once per change, never the placeholder', () => {
    const reported: string[] = [];
    const report = (title: string) => reported.push(title);
    const t = new OpenCodeSessionTitle(true);
    t.note('New session - 2026-12-01T06:41:39.670Z', report);
    t.note('   ', report);
    expect(reported).toEqual([]);
    t.note('  Postgres API connection ', report);
    t.note('Postgres API connection', report);
    expect(reported).toEqual(['Postgres API connection']);
    t.note('Renamed in opencode', report);
    expect(reported).toEqual(['Postgres API connection', 'Renamed in opencode']);
  });

  it('ends the first turn as soon as the title is in, or when the turn is aborted; later turns do not wait', async () => {
    const t = new OpenCodeSessionTitle(true);
    const settled = t.settle(60_000, new AbortController().signal);
    t.note('Quick check-in', () => {});
    await settled;

    const aborted = new OpenCodeSessionTitle(true);
    const ac = new AbortController();
    const waiting = aborted.settle(60_000, ac.signal);
    ac.abort();
    await waiting;
    // Only the first turn waits, and a resumed session's never does.
    await aborted.settle(60_000, new AbortController().signal);
    await new OpenCodeSessionTitle(false).settle(60_000, new AbortController().signal);
  });

  it('accepts only "boocode" or "opencode" for the setting', () => {
    expect(OpenCodeSettings.parse({}).titles).toBeUndefined();
    expect(OpenCodeSettings.parse({ titles: 'opencode' }).titles).toBe('opencode');
    for (const bad of [true, 'OpenCode', 1]) {
      const r = OpenCodeSettings.safeParse({ titles: bad });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]).toMatchObject({ path: ['titles'], message: expect.stringMatching(/^must be "boocode" .* or "opencode" /) });
    }
  });
});
