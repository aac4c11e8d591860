import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AGENTS } from '@boocode/agents';
import type { AgentInfo, AgentModelsResponse, AgentsResponse, ErrorBody, MessagePage, PostMessageResponse, Project } from '@boocode/contracts';
import { FAKE_PASEO_VERSION, fakeAcpBin, fakePaseoBin } from '@boocode/testkit';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { homeWithConfig, newSession, openCodeHome, post, waitTask, type OpenCodeHome } from './agents-env.js';

/**
 * GET /api/agents: the native agent, agents discovery finds (BooCode's own opencode dependency),
 * and custom agents from BOOCODE_HOME/config.json; bad agent settings stop the start naming the key.
 */

let dir: string;
let oc: OpenCodeHome;
let server: TestServer;

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-srv-agents-')));
  oc = openCodeHome('http://127.0.0.1:9/v1');
  writeFileSync(join(dir, 'acp.json'), JSON.stringify({ name: 'fake-acp', version: '1.2.3' }));
  writeFileSync(join(dir, 'down.json'), JSON.stringify({ daemonDown: true }));
  writeFileSync(join(dir, 'text-only.json'), JSON.stringify({ name: 'text-only', capabilities: { image: false } }));
  const home = homeWithConfig({
    native: { baseURL: 'http://127.0.0.1:9/v1', model: 'local-model' },
    opencode: { config: oc.config },
    sandbox: { agents: ['my-acp'] },
    agents: {
      'my-acp': { command: fakeAcpBin, args: ['--script', join(dir, 'acp.json')], kind: 'acp', label: 'My ACP agent' },
      paseo: { command: fakePaseoBin, kind: 'paseo', env: { FAKE_PASEO_STATE: join(dir, 'state.json') } },
      'paseo-down': { command: fakePaseoBin, kind: 'paseo', env: { FAKE_PASEO_STATE: join(dir, 'state2.json'), FAKE_PASEO_SCRIPT: join(dir, 'down.json') } },
      missing: { command: 'no-such-agent-binary', kind: 'acp' },
      'text-only': { command: fakeAcpBin, args: ['--script', join(dir, 'text-only.json')], kind: 'acp' },
    },
  });
  server = await startTestServer({
    home,
    agents: { discovery: { agents: DEFAULT_AGENTS.filter((a) => a.name === 'opencode'), env: oc.env } },
  });
});

afterAll(async () => {
  await server?.close();
  oc?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const byName = (items: AgentInfo[]) => Object.fromEntries(items.map((a) => [a.name, a]));

describe('GET /api/agents', () => {
  it('lists the native agent, the discovered opencode and the custom agents with what was found', async () => {
    const r = await server.api<AgentsResponse>('GET', '/api/agents');
    expect(r.status).toBe(200);
    const agents = byName(r.body.items);
    expect(Object.keys(agents).sort()).toEqual(['missing', 'my-acp', 'native', 'opencode', 'paseo', 'paseo-down', 'text-only']);
    expect(agents.native).toMatchObject({ kind: 'native', available: true, custom: false, models: [{ id: 'local-model' }], error: null });
    expect(agents.opencode).toMatchObject({ kind: 'opencode_server', available: true, custom: false, error: null });
    expect(agents.opencode!.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(agents.opencode!.install_path).toContain('opencode');
    expect(agents['my-acp']).toMatchObject({ kind: 'acp', label: 'My ACP agent', available: true, custom: true, version: '1.2.3', error: null });
    expect(agents['my-acp']!.command.slice(1)).toEqual(['--script', join(dir, 'acp.json')]);
    expect(agents.paseo).toMatchObject({ kind: 'paseo', available: true, custom: true, version: FAKE_PASEO_VERSION, error: null });
    expect(agents['paseo-down']).toMatchObject({ available: false, version: FAKE_PASEO_VERSION });
    expect(agents['paseo-down']!.error).toMatch(/daemon not reachable: .*paseo daemon start/);
    expect(agents.missing).toMatchObject({ available: false, install_path: null });
    expect(agents.missing!.error).toContain('no-such-agent-binary not found');
    // Each backend's capabilities, with what an ACP agent declared over them.
    expect(agents.native!.capabilities).toEqual({ images: true, resume: false, modes: false, model_list: true, usage: true });
    expect(agents.opencode!.capabilities).toEqual({ images: true, resume: true, modes: true, model_list: true, usage: true });
    expect(agents['my-acp']!.capabilities).toMatchObject({ images: true, resume: true });
    expect(agents['text-only']!.capabilities).toMatchObject({ images: false, modes: true });
    // Whether each agent runs in the sandbox (bubblewrap is part of the test machine).
    expect(agents.native!.sandbox).toEqual({ state: 'on', network: true, detail: null });
    expect(agents['my-acp']!.sandbox).toEqual({ state: 'on', network: true, detail: null });
    expect(agents.paseo!.sandbox).toMatchObject({ state: 'off' });
    // The custom agents' env (it may hold keys) is not part of the answer.
    expect(JSON.stringify(r.body)).not.toContain('FAKE_PASEO_STATE');
  });

  it('probes again on refresh=true', async () => {
    const before = byName((await server.api<AgentsResponse>('GET', '/api/agents')).body.items);
    const after = byName((await server.api<AgentsResponse>('GET', '/api/agents?refresh=true')).body.items);
    expect(Date.parse(after['my-acp']!.checked_at)).toBeGreaterThan(Date.parse(before['my-acp']!.checked_at));
    expect((await server.api('GET', '/api/agents?refresh=maybe')).status).toBe(400);
  });

  it("lists opencode's models with the providers of its config, offline", async () => {
    const r = await server.api<AgentModelsResponse>('GET', '/api/agents/opencode/models');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.models).toContainEqual({ id: 'fake/fake-model' });
  });

  it("answers 502 naming the endpoint when the native agent's endpoint does not list its models", async () => {
    const r = await server.api<ErrorBody>('GET', '/api/agents/native/models');
    expect(r.status).toBe(502);
    expect(r.body.error).toBe('models_unavailable');
    expect(r.body.message).toMatch(/^BooCode native agent could not tell its models: http:\/\/127\.0\.0\.1:9\/v1\/models did not answer/);
  });

  it('fails a turn on an agent that is not usable here with a message saying why', async () => {
    const project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo() })).body;
    for (const [agent, why] of [
      ['paseo-down', /agent "paseo-down" is not usable here: daemon not reachable/],
      ['nobody', /unknown agent "nobody"/],
    ] as const) {
      const { chat } = await newSession(server, project, { agent, isolated: false });
      const task = await waitTask(server, (await post(server, chat.id, 'hi')).id);
      expect(task.status).toBe('failed');
      expect(task.error).toMatch(why);
    }
  });
});

describe('capabilities checked when a message is posted', () => {
  const image = { type: 'image', mime_type: 'image/png', data: 'iVBORw0KGgo=' };

  it("refuses images for an agent that cannot take them, naming the agent, and stores nothing", async () => {
    const project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo() })).body;
    const { chat } = await newSession(server, project, { agent: 'text-only', isolated: false });
    const refused = await server.api<ErrorBody>('POST', `/api/chats/${chat.id}/messages`, { content: 'look', images: [image] });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_request', message: "agent 'text-only' cannot take images" });
    expect((await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items).toEqual([]);
    // Text alone is fine for the same agent.
    expect((await server.api('POST', `/api/chats/${chat.id}/messages`, { content: 'just text' })).status).toBe(201);
  });

  it('checks the agent the message names, not only the session\'s', async () => {
    const project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo() })).body;
    const { chat } = await newSession(server, project, { agent: 'my-acp', isolated: false });
    const refused = await server.api<ErrorBody>('POST', `/api/chats/${chat.id}/messages`, { content: 'look', images: [image], agent: 'text-only' });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe("agent 'text-only' cannot take images");
    const taken = await server.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'look', images: [image] });
    expect(taken.status).toBe(201);
    expect(taken.body.task.agent).toBe('my-acp');
  });
});

describe('agent settings in config.json and the environment', () => {
  const start = (extra: Record<string, unknown>) => startTestServer({ home: homeWithConfig(extra) });

  it('rejects a bad custom agent, naming the key', async () => {
    await expect(start({ agents: { broken: { args: ['--acp'] } } })).rejects.toThrow(/config\.json: agents\.broken\.command: /);
    await expect(start({ agents: { ok: { command: 'x', kind: 'telepathy' } } })).rejects.toThrow(/agents\.ok\.kind: /);
    await expect(start({ agents: { 'Bad Name': { command: 'x' } } })).rejects.toThrow(/config\.json: agents\.Bad Name: lowercase letters/);
  });

  // A key no setting reads is reported and ignored, not fatal: config-unknown-keys.test.ts.
  it('rejects bad opencode and paseo values, naming the key', async () => {
    await expect(start({ opencode: { offline: 'yes' } })).rejects.toThrow(/config\.json: opencode\.offline: /);
    await expect(start({ paseo: { provider: '' } })).rejects.toThrow(/config\.json: paseo\.provider: /);
  });
});
