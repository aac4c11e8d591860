import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadServerConfig, type ServerConfig } from '../src/config/server-config.js';
import { settingNames } from '../src/config/settings.js';

/** The configuration module: environment, flags and config.json parsed once into a ServerConfig. */

const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

function tempHome(configJson?: string): string {
  const home = mkdtempSync(path.join(tmpdir(), 'boocode-config-'));
  homes.push(home);
  if (configJson !== undefined) writeFileSync(path.join(home, 'config.json'), configJson, { mode: 0o600 });
  return home;
}

const load = (env: Record<string, string>, flags: Record<string, string> = {}) => loadServerConfig({ env, flags: { home: tempHome(), ...flags } });

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The README's "Configuration" table: each row's setting names (in backticks) and its default. */
function readmeTable(): { names: string[]; default: string }[] {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const section = readme.split(/^## Configuration\n/m)[1]?.split(/^## /m)[0] ?? '';
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((row) => {
      const [names = '', def = ''] = row.split('|').slice(1).map((c) => c.trim());
      return { names: [...names.matchAll(/`([^`]+)`/g)].map((m) => m[1]!), default: def.replace(/`/g, '') };
    });
}

describe('README configuration table', () => {
  it('names every setting of the environment and the command line, and no other', () => {
    const table = readmeTable().flatMap((r) => r.names);
    const { env, flags } = settingNames();
    expect(table.length).toBeGreaterThan(10);
    expect([...new Set(table)].sort()).toEqual([...env, ...flags].sort());
  });

  it('gives the defaults the server really uses', async () => {
    const config = await load({});
    const field: Record<string, keyof ServerConfig> = {
      BOOCODE_PORT: 'port',
      BOOCODE_HOST: 'host',
      BOOCODE_LOG_LEVEL: 'logLevel',
      BOOCODE_CONCURRENCY: 'concurrency',
      BOOCODE_LEASE_MS: 'leaseMs',
      BOOCODE_TURN_TIMEOUT_MS: 'turnTimeoutMs',
      BOOCODE_AGENT_IDLE_MS: 'agentIdleMs',
      BOOCODE_REAP_INTERVAL_MS: 'reapIntervalMs',
      BOOCODE_REPLAY_FRAMES: 'replayFrames',
      BOOCODE_WS_MAX_BUFFER: 'wsMaxBufferBytes',
      BOOCODE_WORKFLOW_RUNS: 'workflowRuns',
      BOOCODE_WORKFLOW_AGENTS: 'workflowAgents',
    };
    const rows = readmeTable();
    for (const [name, key] of Object.entries(field)) {
      const row = rows.find((r) => r.names.includes(name));
      expect(row, name).toBeDefined();
      expect(String(config[key]), name).toBe(row!.default);
    }
    expect(config.databaseUrl).toBeNull();
    expect(config.backends.native).toEqual({});
  });
});

describe('loadServerConfig', () => {
  it('creates config.json (mode 0600) with a token on first start and reads it back after', async () => {
    const home = tempHome();
    const first = await loadServerConfig({ env: {}, flags: { home } });
    expect(first.home).toBe(home);
    expect(first.token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(path.join(home, 'config.json')).mode & 0o777).toBe(0o600);
    expect((await loadServerConfig({ env: { BOOCODE_HOME: home } })).token).toBe(first.token);
  });

  it('takes flags over env vars, env vars over config.json, and empty variables as unset', async () => {
    const home = tempHome(JSON.stringify({ token: 't'.repeat(32), pg_password: 'p'.repeat(16), native: { baseURL: 'http://file.example/v1', model: 'from-file' } }));
    const c = await loadServerConfig({
      env: { BOOCODE_HOME: '/nonexistent/never-used', BOOCODE_PORT: '9000', BOOCODE_HOST: '', BOOCODE_NATIVE_MODEL: 'from-env', BOOCODE_CONCURRENCY: '3' },
      flags: { home, port: '0' },
    });
    expect(c).toMatchObject({ home, port: 0, host: '127.0.0.1', concurrency: 3 });
    expect(c.backends.native).toEqual({ baseURL: 'http://file.example/v1', model: 'from-env' });
    expect(c.env).toMatchObject({ BOOCODE_PORT: '9000' });
  });

  it("turns config.json's backend sections into settings, env vars over them", async () => {
    const file = {
      token: 't'.repeat(32),
      pg_password: 'p'.repeat(16),
      opencode: { config: { model: 'mine/m1' }, defaultProvider: 'mine', offline: true, env: { KEY: 'k' }, inactivityTimeoutMs: 60_000 },
      paseo: { provider: 'claude' },
      acp: { cancelGraceMs: 3_000, silenceMs: 120_000 },
    };
    const fromFile = await loadServerConfig({ env: {}, flags: { home: tempHome(JSON.stringify(file)) } });
    expect(fromFile.backends).toMatchObject({ opencode_server: file.opencode, paseo: file.paseo, acp: file.acp });
    const env = {
      BOOCODE_OPENCODE_CONFIG: '{"model":"env/m2"}',
      BOOCODE_OPENCODE_DEFAULT_PROVIDER: 'env',
      BOOCODE_OPENCODE_OFFLINE: '0',
      BOOCODE_PASEO_PROVIDER: 'codex',
      BOOCODE_PASEO_HOST: 'localhost:7000',
    };
    const withEnv = await loadServerConfig({ env, flags: { home: tempHome(JSON.stringify(file)) } });
    expect(withEnv.backends.opencode_server).toEqual({ ...file.opencode, config: { model: 'env/m2' }, defaultProvider: 'env', offline: false });
    expect(withEnv.backends.paseo).toEqual({ provider: 'codex', host: 'localhost:7000' });
  });

  it('stops at a bad number, naming the setting and the value', async () => {
    await expect(load({ BOOCODE_CONCURRENCY: '0' })).rejects.toThrow('BOOCODE_CONCURRENCY: must be a positive integer (got "0")');
    await expect(load({ BOOCODE_LEASE_MS: '1.5' })).rejects.toThrow(/^BOOCODE_LEASE_MS: must be a positive integer of milliseconds/);
    await expect(load({ BOOCODE_TURN_TIMEOUT_MS: String(2 ** 31) })).rejects.toThrow(/^BOOCODE_TURN_TIMEOUT_MS: .*at most 2147483647/);
    await expect(load({ BOOCODE_PORT: '70000' })).rejects.toThrow('BOOCODE_PORT: must be a port number (0-65535) (got "70000")');
    await expect(load({}, { port: 'eighty' })).rejects.toThrow('--port: must be a port number (0-65535) (got "eighty")');
    await expect(load({ BOOCODE_WS_MAX_BUFFER: 'lots' })).rejects.toThrow(/^BOOCODE_WS_MAX_BUFFER: /);
  });

  it('stops at a bad choice or a bad URL, naming the setting', async () => {
    await expect(load({ BOOCODE_LOG_LEVEL: 'loud' })).rejects.toThrow(/^BOOCODE_LOG_LEVEL: .*"info".*\(got "loud"\)/);
    await expect(load({ BOOCODE_OPENCODE_OFFLINE: 'true' })).rejects.toThrow('BOOCODE_OPENCODE_OFFLINE: must be 0 or 1 (got "true")');
    await expect(load({ BOOCODE_NATIVE_BASE_URL: 'localhost' })).rejects.toThrow(/^BOOCODE_NATIVE_BASE_URL: /);
    await expect(load({ BOOCODE_SANDBOX: 'maybe' })).rejects.toThrow(/^BOOCODE_SANDBOX: .*\(got "maybe"\)/);
    await expect(load({ BOOCODE_SANDBOX_NETWORK: 'yes' })).rejects.toThrow(/^BOOCODE_SANDBOX_NETWORK: /);
    expect((await load({ BOOCODE_SANDBOX: 'required', BOOCODE_SANDBOX_NETWORK: 'off' })).sandbox).toEqual({ mode: 'required', network: false, agents: [] });
    expect((await load({})).sandbox).toEqual({ mode: 'auto', network: true, agents: [] });
  });

  it('stops at bad JSON, in config.json or in a variable', async () => {
    const home = tempHome('{"token": ');
    await expect(loadServerConfig({ env: {}, flags: { home } })).rejects.toThrow(`${path.join(home, 'config.json')} is not valid JSON`);
    await expect(load({ BOOCODE_OPENCODE_CONFIG: '{nope' })).rejects.toThrow(/^BOOCODE_OPENCODE_CONFIG: not valid JSON/);
    await expect(load({ BOOCODE_OPENCODE_CONFIG: '[1]' })).rejects.toThrow(/^BOOCODE_OPENCODE_CONFIG: must be a JSON object/);
  });

  it('stops at a config.json value of the wrong type, naming the key', async () => {
    const home = tempHome(JSON.stringify({ token: 't'.repeat(32), pg_password: 'p'.repeat(16), acp: { cancelGraceMs: 'soon' } }));
    await expect(loadServerConfig({ env: {}, flags: { home } })).rejects.toThrow(/config\.json: acp\.cancelGraceMs: /);
    const silence = tempHome(JSON.stringify({ token: 't'.repeat(32), pg_password: 'p'.repeat(16), acp: { silenceMs: 50 } }));
    await expect(loadServerConfig({ env: {}, flags: { home: silence } })).rejects.toThrow(/config\.json: acp\.silenceMs: must be 0 \(off\) or at least 1000 \(ms\)/);
    const titles = tempHome(JSON.stringify({ token: 't'.repeat(32), pg_password: 'p'.repeat(16), opencode: { titles: true } }));
    await expect(loadServerConfig({ env: {}, flags: { home: titles } })).rejects.toThrow(
      /config\.json: opencode\.titles: must be "boocode" \(BooCode titles the session, no extra model call\) or "opencode"/,
    );
  });
});

describe('the environment is read in one place', () => {
  it('has no process.env outside the configuration modules in server, agents and cli', () => {
    const offenders: string[] = [];
    for (const pkg of ['server', 'agents', 'cli']) {
      const src = path.join(REPO, 'packages', pkg, 'src');
      for (const rel of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
        if (!/\.tsx?$/.test(rel)) continue;
        const file = path.join('packages', pkg, 'src', rel);
        // The server's configuration module, and the CLI's own for where its client commands connect.
        if (file === path.join('packages/server/src/config/server-config.ts') || file === path.join('packages/cli/src/client-env.ts')) continue;
        if (/process\.env\b/.test(readFileSync(path.join(REPO, file), 'utf8'))) offenders.push(file);
      }
    }
    expect(offenders).toEqual([]);
  });
});
