import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentModelsResponse, ErrorBody, MessagePage, Project, Session } from '@boocode/contracts';
import { fakeAcpBin, startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { homeWithConfig, newSession, post, waitTask } from './agents-env.js';

/**
 * Models from the agent's own list (`GET /api/agents/:name/models`): the native agent's endpoint
 * `/models` (the fake LLM), an ACP agent's model option (the fake ACP agent); and the session's
 * mode changed between turns (PATCH), applied to the ACP agent's session with `session/set_mode`.
 */

let dir: string;
let llm: FakeLlm;
let server: TestServer;
let project: Project;

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-srv-models-')));
  llm = await startFakeLlm({ models: ['zeta-coder', 'alpha-coder'], fallback: { text: 'native answers' } });
  const script = join(dir, 'acp.json');
  writeFileSync(
    script,
    JSON.stringify({ models: ['fake/alpha', 'fake/beta'], modes: ['default', 'plan', 'yolo'], fallback: { steps: [{ text: 'acp answers' }] }, logFile: join(dir, 'acp.jsonl') }),
  );
  const home = homeWithConfig({
    native: { baseURL: llm.url, model: 'alpha-coder' },
    agents: {
      acpy: { command: fakeAcpBin, args: ['--script', script], kind: 'acp', label: 'Fake ACP' },
      missing: { command: 'no-such-agent-binary', kind: 'acp' },
    },
  });
  server = await startTestServer({ home, writeIntervalMs: 50, agents: { discovery: { agents: [] } } });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
});

afterAll(async () => {
  await server?.close();
  await llm?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/agents/:name/models', () => {
  it("lists the native agent's models from its endpoint, kept for a while and asked again on refresh", async () => {
    const r = await server.api<AgentModelsResponse>('GET', '/api/agents/native/models');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ agent: 'native', models: [{ id: 'alpha-coder' }, { id: 'zeta-coder' }] });
    const again = await server.api<AgentModelsResponse>('GET', '/api/agents/native/models');
    expect(again.body.checked_at).toBe(r.body.checked_at);
    const fresh = await server.api<AgentModelsResponse>('GET', '/api/agents/native/models?refresh=true');
    expect(fresh.body.checked_at).not.toBe(r.body.checked_at);
  });

  it("lists an ACP agent's models from the model option of a session it opens", async () => {
    const r = await server.api<AgentModelsResponse>('GET', '/api/agents/acpy/models');
    expect(r.status).toBe(200);
    expect(r.body.models).toEqual([
      { id: 'fake/alpha', name: 'fake/alpha' },
      { id: 'fake/beta', name: 'fake/beta' },
    ]);
  });

  it('refuses an unknown agent, one not usable here and a malformed name, naming the problem', async () => {
    const unknown = await server.api<ErrorBody>('GET', '/api/agents/nobody/models');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('no agent named nobody');
    const missing = await server.api<ErrorBody>('GET', '/api/agents/missing/models');
    expect(missing.status).toBe(409);
    expect(missing.body).toMatchObject({ error: 'agent_unavailable' });
    expect(missing.body.message).toContain('no-such-agent-binary not found');
    const bad = await server.api<ErrorBody>('GET', '/api/agents/Not%20A%20Name/models');
    expect(bad.status).toBe(404);
  });
});

describe('the mode of a session, changed between turns', () => {
  const setModes = () =>
    readFileSync(join(dir, 'acp.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { method: string; params: { modeId?: string } })
      .filter((l) => l.method === 'session/set_mode')
      .map((l) => l.params.modeId);

  it('takes a mode the ACP agent reported and applies it at the next turn', async () => {
    const { session, chat } = await newSession(server, project, { agent: 'acpy' });
    // Before a first turn the agent has not told its modes.
    const early = await server.api<ErrorBody>('PATCH', `/api/sessions/${session.id}`, { mode: 'plan' });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ error: 'setting_unsupported' });
    expect(early.body.message).toMatch(/has not reported any modes/);

    expect((await waitTask(server, (await post(server, chat.id, 'one')).id)).status).toBe('completed');
    const wrong = await server.api<ErrorBody>('PATCH', `/api/sessions/${session.id}`, { mode: 'warp' });
    expect(wrong.status).toBe(409);
    expect(wrong.body.message).toBe('acpy has no mode "warp"; its modes: default, plan, yolo');

    const ok = await server.api<Session>('PATCH', `/api/sessions/${session.id}`, { mode: 'plan' });
    expect(ok.status).toBe(200);
    expect(ok.body.mode).toBe('plan');
    expect(setModes()).not.toContain('plan');
    expect((await waitTask(server, (await post(server, chat.id, 'two')).id)).status).toBe('completed');
    expect(setModes()).toContain('plan');
    const messages = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items;
    expect(messages.at(-1)!.content).toBe('acp answers');

    // Another agent: the mode chosen for this one is dropped.
    const moved = await server.api<Session>('PATCH', `/api/sessions/${session.id}`, { agent: 'native' });
    expect(moved.body.mode).toBeNull();
  });

  it('refuses a mode for the native agent, which has none', async () => {
    const { session } = await newSession(server, project, { agent: 'native' });
    const r = await server.api<ErrorBody>('PATCH', `/api/sessions/${session.id}`, { mode: 'plan' });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: 'setting_unsupported', message: 'native has no modes to choose from' });
  });
});
