import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatAgentSessionsResponse, MessagePage, Project, Session, UsageSummary } from '@boocode/contracts';
import { fakePaseoBin, type FakePaseoScript, type FakePaseoState } from '@boocode/testkit';
import { makeGitRepo, openStream, startTestServer, type TestServer } from '@boocode/testkit/server';
import { homeWithConfig, newSession, post, waitTask } from './agents-env.js';

/**
 * The Paseo backend through the server, driving the fake `paseo` executable (testkit) configured
 * as the `paseo` agent in config.json, with the provider from config.json's `paseo` section.
 */

let dir: string;
let server: TestServer;
let project: Project;

const script: FakePaseoScript = {
  replies: [
    {
      match: 'hello paseo',
      lines: ['Line one', 'Line two', 'Line three'],
      delayMs: 50,
      usage: { inputTokens: 120, outputTokens: 30, cachedInputTokens: 20, totalCostUsd: 0.01 },
    },
    { match: 'second message', lines: ['Second.'] },
    { match: 'break it', lines: ['working on it'], exitCode: 1, stderr: 'Error: Agent failed: provider quota exceeded' },
    { match: 'cold one', lines: ['cold'] },
  ],
};

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-srv-paseo-')));
  writeFileSync(join(dir, 'script.json'), JSON.stringify(script));
  const env = { FAKE_PASEO_STATE: join(dir, 'state.json'), FAKE_PASEO_SCRIPT: join(dir, 'script.json'), FAKE_PASEO_LOG: join(dir, 'log.jsonl') };
  const home = homeWithConfig({ agents: { paseo: { command: fakePaseoBin, kind: 'paseo', env } }, paseo: { provider: 'claude' } });
  server = await startTestServer({ home, writeIntervalMs: 50, agents: { discovery: { agents: [] } } });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const paseoState = (): FakePaseoState => JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as FakePaseoState;
const calls = (): string[][] =>
  existsSync(join(dir, 'log.jsonl'))
    ? readFileSync(join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[])
    : [];
const agentSession = async (chatId: string) =>
  (await server.api<ChatAgentSessionsResponse>('GET', `/api/chats/${chatId}/agent-sessions`)).body.items[0]!;

describe('Paseo through the server (fake paseo)', () => {
  it('imports an agent, streams its lines, records usage, reuses the agent, reports a failing exit readably, and archives it with the session', async () => {
    const { session, chat } = await newSession(server, project, { agent: 'paseo' });
    const stream = await openStream(server.url, session.id, { token: server.token });

    const t1 = await waitTask(server, (await post(server, chat.id, 'hello paseo')).id);
    expect(t1.status).toBe('completed');
    const deltas = stream.frames.filter((f) => f.type === 'message_delta').map((f) => f.text);
    expect(deltas).toEqual(['Line one', '\nLine two', '\nLine three']);
    const { resume_token: agentId } = await agentSession(chat.id);
    const [agent] = paseoState().agents;
    expect(agent).toMatchObject({
      id: agentId,
      provider: 'claude',
      importedSessionId: session.id,
      labels: { origin: 'boocode', session: session.id, chat: chat.id, project: project.id, agent: 'paseo' },
      archivedAt: null,
    });
    const usage = (await server.api<UsageSummary>('GET', `/api/chats/${chat.id}/usage`)).body;
    expect(usage.turns[0]).toMatchObject({ agent: 'paseo', cost: 0.01, usage: { input_total: 120, no_cache: 100, cache_read: 20, output: 30 } });

    const t2 = await waitTask(server, (await post(server, chat.id, 'second message')).id);
    expect(t2.status).toBe('completed');
    expect(t2.output_summary).toBe('Second.');
    expect((await agentSession(chat.id)).resume_token).toBe(agentId);
    expect(calls().filter((c) => c[0] === 'import')).toHaveLength(1);
    expect(paseoState().agents[0]!.prompts).toEqual(['hello paseo', 'second message']);

    const t3 = await waitTask(server, (await post(server, chat.id, 'break it')).id);
    expect(t3.status).toBe('failed');
    expect(t3.error).toBe('agent_error: paseo send exited with 1: Agent failed: provider quota exceeded');
    const failed = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.at(-1)!;
    expect(failed).toMatchObject({ role: 'assistant', status: 'failed', content: 'working on it' });
    expect(await stream.waitFor((f) => f.type === 'message_complete' && f.status === 'failed')).toMatchObject({ error: t3.error });
    stream.close();
    // Failing turns do not archive or replace the agent.
    expect(paseoState().agents.map((a) => [a.id, a.archivedAt])).toEqual([[agentId, null]]);

    const archived = await server.api<Session>('POST', `/api/sessions/${session.id}/archive`, {});
    expect(archived.status).toBe(200);
    expect(paseoState().agents[0]!.archivedAt).not.toBeNull();
    expect(calls().filter((c) => c[0] === 'archive')).toEqual([['archive', '--json', '--', agentId]]);
    expect(await agentSession(chat.id)).toMatchObject({ status: 'closed', resume_token: agentId });
  });

  it('archives the agent of a session whose warm session was released (idle) too, and only then', async () => {
    const { session, chat } = await newSession(server, project, { agent: 'paseo' });
    expect((await waitTask(server, (await post(server, chat.id, 'cold one')).id)).status).toBe('completed');
    const { resume_token: agentId } = await agentSession(chat.id);
    // Idle eviction releases (Paseo keeps its agent, resumable) ...
    expect(await server.pool.evictIdle(Date.now() + 24 * 3600_000)).toBeGreaterThanOrEqual(1);
    expect(paseoState().agents.find((a) => a.id === agentId)!.archivedAt).toBeNull();
    // ... archiving the session ends it for good, from what the database remembers.
    expect((await server.api('POST', `/api/sessions/${session.id}/archive`, {})).status).toBe(200);
    expect(paseoState().agents.find((a) => a.id === agentId)!.archivedAt).not.toBeNull();
    expect(calls().filter((c) => c[0] === 'archive').at(-1)).toEqual(['archive', '--json', '--', agentId]);
  });
});
