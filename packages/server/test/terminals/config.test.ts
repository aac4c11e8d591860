import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../src/config/server-config.js';

/** Terminal settings come through the configuration module like every other setting. */

const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});
const load = (env: Record<string, string>) => {
  const home = mkdtempSync(path.join(tmpdir(), 'bc-term-config-'));
  homes.push(home);
  return loadServerConfig({ env, flags: { home } });
};

describe('terminal settings', () => {
  it('default to tmux on PATH, /bin/sh, 5000 ring lines, 8 per session, 2 MiB/s', async () => {
    const { terminals } = await load({ PATH: '/usr/bin:/bin' });
    expect(terminals).toMatchObject({ tmuxPath: 'tmux', shell: '/bin/sh', ringLines: 5000, maxTerminalsPerSession: 8, maxBytesPerSecond: 2 * 1024 * 1024 });
  });

  it('take the variables, and the user shell when it is an absolute path', async () => {
    const { terminals } = await load({
      BOOCODE_TMUX: '/opt/tmux/bin/tmux',
      BOOCODE_TERMINAL_RING_LINES: '800',
      BOOCODE_TERMINALS_PER_SESSION: '2',
      BOOCODE_TERMINAL_MAX_BPS: '65536',
      SHELL: '/usr/bin/fish',
    });
    expect(terminals).toMatchObject({ tmuxPath: '/opt/tmux/bin/tmux', shell: '/usr/bin/fish', ringLines: 800, maxTerminalsPerSession: 2, maxBytesPerSecond: 65536 });
    expect((await load({ SHELL: 'bash' })).terminals.shell).toBe('/bin/sh');
  });

  it("give shells the server's environment without BooCode's secrets", async () => {
    const { terminals } = await load({ PATH: '/bin', LANG: 'C.UTF-8', BOOCODE_NATIVE_API_KEY: 'secret', DATABASE_URL: 'postgres://x', BOOCODE_TOKEN: 't' });
    expect(terminals.env).toEqual({ PATH: '/bin', LANG: 'C.UTF-8' });
  });

  it('refuse a bad value, naming the variable', async () => {
    await expect(load({ BOOCODE_TERMINAL_RING_LINES: '5' })).rejects.toThrow(/^BOOCODE_TERMINAL_RING_LINES: must be an integer from 10 to 1000000 \(got "5"\)/);
    await expect(load({ BOOCODE_TERMINALS_PER_SESSION: 'many' })).rejects.toThrow(/^BOOCODE_TERMINALS_PER_SESSION: /);
    await expect(load({ BOOCODE_TERMINAL_MAX_BPS: '100' })).rejects.toThrow(/^BOOCODE_TERMINAL_MAX_BPS: /);
    await expect(load({ BOOCODE_TMUX: 'tmux;' })).rejects.toThrow(/^BOOCODE_TMUX: must not end with ";"/);
  });
});
