import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HomeConfig } from '../src/config/home.js';
import { loadServerConfig } from '../src/config/server-config.js';
import { unknownKeys, unknownKeySentence } from '../src/config/unknown-keys.js';

/** config.json keys that no setting reads are reported, not silently dropped. */

const secrets = { token: 'a'.repeat(43), pg_password: 'b'.repeat(43) };
const report = (extra: Record<string, unknown>) => unknownKeys(HomeConfig, { ...secrets, ...extra });

const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

function homeWith(extra: Record<string, unknown>): string {
  const home = mkdtempSync(path.join(tmpdir(), 'boocode-unknown-keys-'));
  homes.push(home);
  writeFileSync(path.join(home, 'config.json'), JSON.stringify({ ...secrets, ...extra }), { mode: 0o600 });
  return home;
}

describe('unknown keys of config.json', () => {
  it('names a typo with the setting it most likely means', () => {
    const found = report({ native: { compatAt: 0.5 } });
    expect(found).toEqual([{ path: 'native.compatAt', suggestion: 'native.compactAt' }]);
    expect(unknownKeySentence(found[0]!)).toBe('config.json: native.compatAt is not a setting (did you mean native.compactAt?); it is ignored');
  });

  it('reports a setting that does not exist without a guess when nothing is close', () => {
    const found = report({ native: { retryForever: true } });
    expect(found).toEqual([{ path: 'native.retryForever', suggestion: null }]);
    expect(unknownKeySentence(found[0]!)).toBe('config.json: native.retryForever is not a setting; it is ignored');
  });

  it('reports an unknown section, and a misspelt one with the section meant', () => {
    expect(report({ nativ: { model: 'm' }, telemetry: { on: true } })).toEqual([
      { path: 'nativ', suggestion: 'native' },
      { path: 'telemetry', suggestion: null },
    ]);
  });

  it('looks inside custom agent entries, sandbox, prices entries and every backend section', () => {
    expect(
      report({
        agents: { mine: { comand: 'x', command: 'my-agent' } },
        sandbox: { netwrok: false },
        prices: { 'my-model': { input: 1, output: 2, cachedInput: 0.1 } },
        acp: { silenceMS: 0 },
        opencode: { offline: true, ofline: true },
        paseo: { hots: 'h:1' },
      }),
    ).toEqual([
      { path: 'agents.mine.comand', suggestion: 'agents.mine.command' },
      { path: 'sandbox.netwrok', suggestion: 'sandbox.network' },
      { path: 'prices.my-model.cachedInput', suggestion: 'prices.my-model.cached_input' },
      { path: 'acp.silenceMS', suggestion: 'acp.silenceMs' },
      { path: 'opencode.ofline', suggestion: 'opencode.offline' },
      { path: 'paseo.hots', suggestion: 'paseo.host' },
    ]);
  });

  it('reports nothing for a valid config, whose own names (agents, models, opencode.json, env) are free', () => {
    expect(
      report({
        native: { baseURL: 'http://127.0.0.1:1/v1', model: 'm', maxSteps: 5, maxRetries: 0, compactAt: 0.7 },
        agents: { claude: { mcp: false, env: { ANY_NAME: '1' } }, 'my-cli': { command: 'c', kind: 'pty', args: ['{prompt}'] } },
        sandbox: { mode: 'off', network: false, agents: ['claude'] },
        prices: { 'any/model-id': { input: 1, output: 2, cached_input: 0.1 } },
        opencode: { config: { provider: { whatever: { options: { anything: 1 } } } }, env: { KEY: 'v' }, titles: 'boocode' },
        acp: { initTimeoutMs: 5000 },
        paseo: { host: 'h:1' },
      }),
    ).toEqual([]);
  });

  it('lets the server start and carries the report in its configuration; a wrong type is still an error', async () => {
    const config = await loadServerConfig({ env: {}, flags: { home: homeWith({ native: { compatAt: 0.5, maxRetries: 0 }, acp: { cancelGrace: 1 } }) } });
    expect(config.unknownKeys).toEqual([
      { path: 'native.compatAt', suggestion: 'native.compactAt' },
      { path: 'acp.cancelGrace', suggestion: 'acp.cancelGraceMs' },
    ]);
    expect(config.backends.native).toEqual({ maxRetries: 0 });
    await expect(loadServerConfig({ env: {}, flags: { home: homeWith({ native: { maxRetries: 11 } }) } })).rejects.toThrow(/config\.json: native\.maxRetries: /);
    await expect(loadServerConfig({ env: {}, flags: { home: homeWith({ native: { maxRetries: 'two' } }) } })).rejects.toThrow(/native\.maxRetries: /);
  });
});
