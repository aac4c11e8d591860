import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatAgentSessionsResponse, MessagePage, Project, Session, SessionDiff, Task, UsageSummary } from '@boocode/contracts';
import { startFakeLlm, startRealPaseo, type FakeLlm, type RealPaseo } from '@boocode/testkit';
import { makeGitRepo, openStream, startTestServer, until, type TestServer } from '@boocode/testkit/server';
import { homeWithConfig, newSession, post, waitTask } from './agents-env.js';

/**
 * The real Paseo daemon and CLI (the offline test fixture) driven through BooCode's HTTP API and
 * session WebSocket; the daemon runs the real opencode on the fake LLM.
 */

/** Paseo's CLI takes seconds per call and opencode tens of seconds to start on a busy machine. */
const PASEO_MS = 180_000;

const run = promisify(execFile);

let llm: FakeLlm;
let paseo: RealPaseo;
let server: TestServer;
let project: Project;

beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: 'fallback answer' } });
  paseo = await startRealPaseo(llm.url);
  const home = homeWithConfig({ agents: { paseo: { command: paseo.bin, kind: 'paseo' } }, paseo: { host: paseo.host } });
  server = await startTestServer({ home, writeIntervalMs: 50, agents: { discovery: { agents: [], timeoutMs: PASEO_MS } } });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
}, PASEO_MS);

afterAll(async () => {
  await server?.close();
  await paseo?.stop();
  await llm?.close();
}, PASEO_MS);

/** `paseo inspect --json` of an agent, asked of the daemon directly. */
async function inspect(agentId: string): Promise<{ Status: string; Archived: boolean; LastUsage: Record<string, number> | null }> {
  const { stdout } = await run(paseo.bin, ['inspect', '--json', '--host', paseo.host, '--', agentId]);
  return JSON.parse(stdout) as { Status: string; Archived: boolean; LastUsage: Record<string, number> | null };
}

const agentSession = async (chatId: string) =>
  (await server.api<ChatAgentSessionsResponse>('GET', `/api/chats/${chatId}/agent-sessions`)).body.items[0]!;

describe('Paseo through the server (real daemon)', { timeout: 4 * PASEO_MS }, () => {
  it('two turns on one agent: text streams, the file is in the diff, usage is what inspect reports; archiving archives it', async () => {
    llm.push(
      { match: { hasTools: false }, text: 'Title' },
      { match: { hasTools: true, lastUserIncludes: 'make the file' }, toolCalls: [{ name: 'bash', arguments: { command: 'echo paseo-ok > paseo.txt', description: 'write' } }], usage: { prompt_tokens: 100, completion_tokens: 10, cached_tokens: 30 } },
      { match: { hasTools: true, lastUserIncludes: 'make the file' }, text: ['Made ', 'the file.'], usage: { prompt_tokens: 140, completion_tokens: 6, cached_tokens: 40 } },
      { match: { hasTools: true, lastUserIncludes: 'second turn' }, text: ['Second ', 'answer.'], usage: { prompt_tokens: 200, completion_tokens: 4, cached_tokens: 50 } },
    );
    const { session, chat } = await newSession(server, project, { agent: 'paseo', permission_policy: 'allow_all' });
    const stream = await openStream(server.url, session.id, { token: server.token });

    const t1 = await waitTask(server, (await post(server, chat.id, 'make the file')).id, undefined, PASEO_MS);
    expect(t1).toMatchObject({ status: 'completed', error: null });
    expect(t1.output_summary).toBe('Made the file.');
    const deltas = stream.frames.filter((f) => f.type === 'message_delta').map((f) => String(f.text)).join('');
    expect(deltas).toBe('Made the file.');
    const { resume_token: agentId } = await agentSession(chat.id);
    expect(agentId).toMatch(/^[0-9a-f-]{36}$/);
    const diff = (await server.api<SessionDiff>('GET', `/api/sessions/${session.id}/diff`)).body;
    expect(diff.files.map((f) => f.path)).toContain('paseo.txt');
    const after1 = await inspect(agentId!);
    const usage1 = (await server.api<UsageSummary>('GET', `/api/chats/${chat.id}/usage`)).body.turns[0]!;
    // Paseo's InputTokens leaves the cached ones out.
    expect(usage1.usage).toMatchObject({
      input_total: after1.LastUsage!.InputTokens! + after1.LastUsage!.CachedTokens!,
      no_cache: after1.LastUsage!.InputTokens,
      cache_read: after1.LastUsage!.CachedTokens,
      output: after1.LastUsage!.OutputTokens,
    });
    expect(usage1.usage.cache_read).toBeGreaterThan(0);

    const t2 = await waitTask(server, (await post(server, chat.id, 'second turn')).id, undefined, PASEO_MS);
    expect(t2).toMatchObject({ status: 'completed', output_summary: 'Second answer.' });
    expect((await agentSession(chat.id)).resume_token).toBe(agentId);
    const after2 = await inspect(agentId!);
    const usage2 = (await server.api<UsageSummary>('GET', `/api/chats/${chat.id}/usage`)).body.turns[1]!;
    expect(usage2.usage).toMatchObject({ no_cache: after2.LastUsage!.InputTokens, cache_read: after2.LastUsage!.CachedTokens, output: after2.LastUsage!.OutputTokens });
    // Both turns were the same opencode conversation: the second request carries the first answer.
    expect(llm.requests.at(-1)!.messages.map((m) => JSON.stringify(m.content)).join('\n')).toContain('Made the file.');
    stream.close();

    expect((await server.api<Session>('POST', `/api/sessions/${session.id}/archive`, {})).status).toBe(200);
    expect((await inspect(agentId!)).Archived).toBe(true);
  });

  it("an agent error fails the turn with the agent's message", async () => {
    llm.push({ match: { hasTools: true, lastUserIncludes: 'break it' }, error: { status: 400, body: { error: { message: 'the fake model refuses this request', type: 'invalid_request_error' } } } });
    const { chat } = await newSession(server, project, { agent: 'paseo', permission_policy: 'allow_all' });
    const t = await waitTask(server, (await post(server, chat.id, 'break it')).id, undefined, PASEO_MS);
    expect(t.status).toBe('failed');
    expect(t.error).toContain('the fake model refuses this request');
    const last = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.at(-1)!;
    expect(last).toMatchObject({ role: 'assistant', status: 'failed' });
  });

  it('cancel stops the agent in Paseo and the turn ends cancelled', async () => {
    llm.push({ match: { hasTools: true, lastUserIncludes: 'never ends' }, text: ['first words ', 'more', 'never'], stallAfter: 1 });
    const { chat } = await newSession(server, project, { agent: 'paseo', permission_policy: 'allow_all' });
    const task = await post(server, chat.id, 'never ends');
    // The daemon passes text on per finished part, so the sign that the turn runs is the model's request.
    await until(async () => llm.requests.some((r) => r.tools.length > 0 && r.lastUserText.includes('never ends')), 'the model request of the turn', PASEO_MS);
    expect((await server.api('POST', `/api/tasks/${task.id}/cancel`, {})).status).toBeLessThan(300);
    expect((await waitTask(server, task.id, undefined, PASEO_MS)).status).toBe('cancelled');
    const { resume_token: agentId } = await agentSession(chat.id);
    // `paseo stop` returns before the daemon has settled the agent: wait for it to say so.
    await until(async () => (await inspect(agentId!)).Status !== 'running', 'the agent to stop in Paseo', PASEO_MS);
  });

  it('the discovery probe asks the configured daemon, and says when it does not answer', async () => {
    const down = await startTestServer({
      home: homeWithConfig({ agents: { paseo: { command: paseo.bin, kind: 'paseo' } }, paseo: { host: '127.0.0.1:9' } }),
      agents: { discovery: { agents: [], timeoutMs: PASEO_MS } },
    });
    try {
      const agents = (await down.api<{ items: { name: string; available: boolean; error: string | null }[] }>('GET', '/api/agents')).body.items;
      // The probe asks the configured daemon, not the CLI's default one.
      expect(agents.find((a) => a.name === 'paseo')).toMatchObject({ available: false });
      expect(agents.find((a) => a.name === 'paseo')!.error).toContain('127.0.0.1:9');
    } finally {
      await down.close();
    }
  });
});
