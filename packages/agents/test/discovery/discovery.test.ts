import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentInfo, type AgentInfo as AgentInfoT } from '@boocode/contracts';
import { fakeAcpBin, fakePaseoBin } from '@boocode/testkit';
import { DEFAULT_AGENTS } from '../../src/backends/index.js';
import { backendFor, discoverAgents } from '../../src/discovery/index.js';
import { openCodeTestHome, type OpenCodeTestHome } from '../opencode/env.js';

/** Discovery against real executables: opencode-ai (installed), the fake paseo, the fake ACP agent. */

let dir: string;
let bin: string;
let home: OpenCodeTestHome;

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-discovery-')));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  // The only things on this PATH: paseo (fake) and node (to run the fake ACP agent).
  symlinkSync(fakePaseoBin, join(bin, 'paseo'));
  symlinkSync(process.execPath, join(bin, 'node'));
  writeFileSync(join(dir, 'acp.json'), JSON.stringify({ name: 'my-agent', version: '2.3.4', models: ['m/one', 'm/two'] }));
  home = openCodeTestHome('http://127.0.0.1:9/v1');
});

afterAll(() => {
  home?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function paseoEnv(script: object): Record<string, string> {
  const file = join(dir, `paseo-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(script));
  return { FAKE_PASEO_STATE: join(dir, 'paseo-state.json'), FAKE_PASEO_SCRIPT: file };
}

const byName = (list: AgentInfoT[], name: string): AgentInfoT => {
  const a = list.find((x) => x.name === name);
  if (!a) throw new Error(`${name} missing from ${list.map((x) => x.name).join(', ')}`);
  return a;
};

describe('discoverAgents', () => {
  it('finds opencode, opencode acp, paseo and custom ACP agents, with versions and models', async () => {
    const list = await discoverAgents({
      baseEnv: process.env,
      cwd: dir,
      path: bin,
      probeModels: true,
      // opencode answers --version and models in seconds, but a busy machine can stretch that a lot.
      timeoutMs: 90_000,
      env: { ...home.env, OPENCODE_CONFIG_CONTENT: JSON.stringify(home.config), ...paseoEnv({}) },
      // `opencode acp` reads its config from the environment; BooCode's opencode server gets it from its settings.
      settings: { opencode_server: { config: home.config } },
      custom: {
        mine: { command: 'node', args: [fakeAcpBin, '--script', join(dir, 'acp.json')], env: {}, kind: 'acp', label: 'My agent' },
      },
    });
    for (const a of list) expect(AgentInfo.safeParse(a).success).toBe(true);

    const oc = byName(list, 'opencode');
    expect(oc).toMatchObject({ kind: 'opencode_server', available: true, version: '1.18.33', error: null, custom: false });
    expect(oc.install_path).toMatch(/opencode/);
    expect(oc.models.map((m) => m.id)).toContain('fake/fake-model');

    const ocAcp = byName(list, 'opencode-acp');
    expect(ocAcp).toMatchObject({ kind: 'acp', available: true, version: '1.18.33' });
    expect(ocAcp.command.slice(1)).toEqual(['acp']);
    expect(ocAcp.models.map((m) => m.id)).toContain('fake/fake-model');

    expect(byName(list, 'paseo')).toMatchObject({ kind: 'paseo', available: true, version: '0.9.0-fake', error: null });

    const mine = byName(list, 'mine');
    expect(mine).toMatchObject({
      label: 'My agent',
      kind: 'acp',
      available: true,
      custom: true,
      version: '2.3.4',
      install_path: realpathSync(process.execPath),
      models: [{ id: 'm/one', name: 'm/one' }, { id: 'm/two', name: 'm/two' }],
    });

    for (const name of ['qwen', 'gemini', 'claude', 'codex']) {
      const a = byName(list, name);
      expect(a.available).toBe(false);
      expect(a.error).toContain('not found');
    }
  }, 200_000);

  it('reports paseo unavailable when its daemon does not answer', async () => {
    const list = await discoverAgents({
      baseEnv: process.env,
      cwd: dir,
      path: bin,
      agents: [{ name: 'paseo', label: 'Paseo', kind: 'paseo', command: 'paseo', args: [] }],
      env: paseoEnv({ daemonDown: true }),
    });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ available: false, version: '0.9.0-fake' });
    expect(list[0]?.error).toContain('Cannot connect to daemon');
  });

  it("lists each built-in agent's known quirks with it, found or not", async () => {
    const list = await discoverAgents({ baseEnv: process.env, cwd: dir, path: bin, agents: DEFAULT_AGENTS.filter((a) => ['claude', 'codex', 'gemini'].includes(a.name)) });
    expect(byName(list, 'claude').notes.join(' ')).toMatch(/IS_SANDBOX=1.*|Node\.js 22/);
    expect(byName(list, 'claude').notes).toHaveLength(2);
    expect(byName(list, 'codex').notes.join(' ')).toContain('bwrap');
    expect(byName(list, 'gemini').notes.join(' ')).toContain('new file');
    expect(AgentInfo.array().parse(list)).toHaveLength(3);
  });

  it('runs probes a few at a time', async () => {
    // Each probe records when it starts and ends (a shell script standing in for `paseo --version`).
    const log = join(dir, 'probe-times.log');
    const probe = join(dir, 'timed-probe.sh');
    writeFileSync(probe, `#!/bin/sh\necho "start $$" >> ${log}\nsleep 0.3\necho "end $$" >> ${log}\necho 1.0.0\n`, { mode: 0o755 });
    const custom = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`p${i}`, { command: probe, args: [], env: {}, kind: 'paseo' as const }]));
    await discoverAgents({ baseEnv: process.env, cwd: dir, path: bin, agents: [], custom, concurrency: 2 });
    let running = 0;
    let most = 0;
    for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
      running += line.startsWith('start') ? 1 : -1;
      most = Math.max(most, running);
    }
    expect(most).toBeGreaterThanOrEqual(1);
    expect(most).toBeLessThanOrEqual(2);
  });

  it('reports custom agents that are missing or do not speak ACP', async () => {
    const list = await discoverAgents({
      baseEnv: process.env,
      cwd: dir,
      path: bin,
      agents: [],
      timeoutMs: 2_000,
      custom: {
        ghost: { command: 'no-such-agent', args: [], env: {}, kind: 'acp' },
        mute: { command: 'node', args: ['-e', 'setTimeout(() => {}, 60000)'], env: {}, kind: 'acp' },
      },
    });
    expect(byName(list, 'ghost')).toMatchObject({ available: false, install_path: null });
    expect(byName(list, 'ghost').error).toContain('no-such-agent not found');
    // Silence is not proof of a broken agent (a busy machine starts it slowly).
    expect(byName(list, 'mute')).toMatchObject({ available: true });
    expect(byName(list, 'mute').error).toMatch(/^slow to start: .*did not answer/);
  });

  it("gives each agent its backend's capabilities, refined by what an ACP agent declares", async () => {
    writeFileSync(join(dir, 'acp-text-only.json'), JSON.stringify({ capabilities: { image: false, loadSession: false, resume: false } }));
    const list = await discoverAgents({
      baseEnv: process.env,
      cwd: dir,
      path: bin,
      agents: [],
      custom: {
        pictures: { command: 'node', args: [fakeAcpBin, '--script', join(dir, 'acp.json')], env: {}, kind: 'acp' },
        'text-only': { command: 'node', args: [fakeAcpBin, '--script', join(dir, 'acp-text-only.json')], env: {}, kind: 'acp' },
        ghost: { command: 'no-such-agent', args: [], env: {}, kind: 'acp' },
        pas: { command: 'paseo', args: [], env: paseoEnv({}), kind: 'paseo' },
      },
    });
    expect(byName(list, 'pictures').capabilities).toEqual({ images: true, resume: true, modes: true, model_list: true, usage: true });
    expect(byName(list, 'text-only').capabilities).toMatchObject({ images: false, resume: false });
    // Not probed: what the backend promises for an agent that has said nothing.
    expect(byName(list, 'ghost').capabilities).toMatchObject({ images: false, resume: false });
    expect(byName(list, 'pas').capabilities).toEqual({ images: true, resume: true, modes: false, model_list: false, usage: true });
  });

  it('lets a custom agent replace a built-in one of the same name', async () => {
    const list = await discoverAgents({
      baseEnv: process.env,
      cwd: dir,
      path: bin,
      agents: [{ name: 'gemini', label: 'Gemini CLI', kind: 'acp', command: 'gemini', args: ['--acp'] }],
      custom: { gemini: { command: 'node', args: [fakeAcpBin, '--script', join(dir, 'acp.json')], env: {}, kind: 'acp' } },
    });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: 'gemini', custom: true, available: true, version: '2.3.4', models: [] });
  });

  it('builds a working backend for a discovered agent', async () => {
    const custom = {
      mine: { command: 'node', args: [fakeAcpBin, '--script', join(dir, 'acp-env.json')], env: { FAKE_FLAG: 'on' }, kind: 'acp' as const },
    };
    writeFileSync(join(dir, 'acp-env.json'), JSON.stringify({ fallback: { steps: [{ text: 'from factory' }] } }));
    const [info] = await discoverAgents({ baseEnv: process.env, cwd: dir, path: bin, agents: [], custom });
    const backend = backendFor(info!, { custom, baseEnv: process.env });
    try {
      expect(backend.kind).toBe('acp');
      const root = join(dir, 'factory-root');
      mkdirSync(root, { recursive: true });
      const h = await backend.ensureSession({ chatId: 'c', agent: 'mine' }, { sessionId: 's', projectId: 'p', root, model: null, resumeToken: null });
      let text = '';
      const r = await backend.prompt(h, { parts: [{ type: 'text', text: 'hi' }] }, {
        signal: new AbortController().signal,
        onEvent: (e) => {
          if (e.type === 'text') text += e.text;
        },
      });
      expect(r.ok).toBe(true);
      expect(text).toBe('from factory');
    } finally {
      await backend.dispose();
    }
    const paseo = backendFor({ ...info!, name: 'paseo', kind: 'paseo', command: [join(bin, 'paseo')] }, { baseEnv: process.env });
    expect(paseo.kind).toBe('paseo');
  });
});
