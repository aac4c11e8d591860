import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOpenCodeBinary } from '@boocode/agents';
import type { AgentInfo, ChatAgentSessionsResponse, MessagePage, Permission, Project, Task, TracePage, UsageSummary } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo, openStream, startTestServer, type TestServer } from '@boocode/testkit/server';
import { acpPid, homeWithConfig, joined, newSession, openCodeHome, post, waitTask, OPENCODE_MS, type OpenCodeHome } from './agents-env.js';

/**
 * A real ACP agent, `opencode acp`, through BooCode's HTTP API and session WebSocket: configured
 * as a custom agent in config.json (its env carries the isolated dirs and the fake provider).
 */

const AGENT = 'oc-acp';
let llm: FakeLlm;
let oc: OpenCodeHome;
let server: TestServer;
let project: Project;

beforeAll(async () => {
  llm = await startFakeLlm();
  oc = openCodeHome(llm.url);
  const binary = await resolveOpenCodeBinary(process.env.PATH ?? '');
  if (!binary) throw new Error('opencode-ai is a devDependency; its binary must be installed');
  const config = { ...oc.config, permission: { bash: 'ask', edit: 'ask' } };
  const home = homeWithConfig({
    agents: { [AGENT]: { command: binary, args: ['acp'], kind: 'acp', label: 'OpenCode over ACP', env: { ...oc.env, OPENCODE_CONFIG_CONTENT: JSON.stringify(config) } } },
  });
  server = await startTestServer({ home, writeIntervalMs: 50, agents: { discovery: { agents: [] } } });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'hello.txt': 'hi there\n' }) })).body;
});

afterAll(async () => {
  await server?.close();
  await llm?.close();
  oc?.cleanup();
});

const agentSession = async (chatId: string) =>
  (await server.api<ChatAgentSessionsResponse>('GET', `/api/chats/${chatId}/agent-sessions`)).body.items[0]!;

const pidOf = (chatId: string) => acpPid(server, AGENT, chatId);

/** `opencode acp` asks the model for a title of every new session; those requests offer no tools. */
const titles = (n: number) => llm.push(...Array.from({ length: n }, () => ({ match: { hasTools: false }, text: 'Title' })));

describe('opencode acp through the server', { timeout: 3 * OPENCODE_MS }, () => {
  it('is discovered as a usable custom ACP agent', async () => {
    const agents = (await server.api<{ items: AgentInfo[] }>('GET', '/api/agents')).body.items;
    expect(agents.find((a) => a.name === AGENT)).toMatchObject({ kind: 'acp', available: true, custom: true, label: 'OpenCode over ACP', error: null });
  });

  it('two turns in one session: streamed tokens, reasoning once, traced tool, same ACP session and process, usage', async () => {
    const { session, chat } = await newSession(server, project, { agent: AGENT });
    llm.push(
      {
        match: { hasTools: true, lastUserIncludes: 'read hello' },
        reasoning: ['Let me ', 'think.'],
        text: ['I will ', 'read it.'],
        toolCalls: [{ name: 'read', arguments: { filePath: 'hello.txt' } }],
        usage: { prompt_tokens: 100, completion_tokens: 20 },
      },
      { match: { hasTools: true, lastUserIncludes: 'read hello' }, text: ['The file ', 'says hi.'], usage: { prompt_tokens: 150, completion_tokens: 8 } },
      { match: { hasTools: true, lastUserIncludes: 'again' }, text: ['Second ', 'answer.'], usage: { prompt_tokens: 200, completion_tokens: 4 } },
    );
    titles(1);
    const stream = await openStream(server.url, session.id, { token: server.token });
    await stream.waitFor((f) => f.type === 'agent_snapshot');

    const t1 = await waitTask(server, (await post(server, chat.id, 'read hello.txt')).id);
    expect(t1.error).toBeNull();
    expect(t1.status).toBe('completed');
    const m1 = (await stream.waitFor((f) => f.type === 'message_complete' && f.status === 'complete')).message_id as string;
    expect(stream.frames.filter((f) => f.type === 'message_delta' && f.message_id === m1).length).toBeGreaterThanOrEqual(4);
    expect(joined(stream.frames, 'message_delta', m1)).toBe('I will read it.\n\nThe file says hi.');
    expect(joined(stream.frames, 'reasoning_delta', m1)).toBe('Let me think.');
    expect(stream.frames.find((f) => f.type === 'config_options')).toMatchObject({ chat_id: chat.id, agent: AGENT });

    const traces = (await server.api<TracePage>('GET', `/api/chats/${chat.id}/traces`)).body.items;
    expect(traces).toHaveLength(1);
    expect(traces[0]).toMatchObject({ outcome: 'success', turn_number: 1, error: null });
    expect(traces[0]!.tool_output).toContain('hi there');
    expect(traces[0]!.latency_ms).toEqual(expect.any(Number));

    const first = await agentSession(chat.id);
    expect(first).toMatchObject({ backend: 'acp', status: 'idle' });
    expect(first.resume_token).toMatch(/^ses_/);
    expect(first.config_options?.some((o) => o.category === 'model')).toBe(true);
    const pid = await pidOf(chat.id);
    expect(pid).toEqual(expect.any(Number));

    const t2 = await waitTask(server, (await post(server, chat.id, 'say it again')).id);
    expect(t2.status).toBe('completed');
    expect(t2.output_summary).toBe('Second answer.');
    expect((await agentSession(chat.id)).resume_token).toBe(first.resume_token);
    expect(await pidOf(chat.id)).toBe(pid);
    const last = llm.requests.filter((r) => r.tools.length > 0).at(-1)!;
    expect(JSON.stringify(last.messages)).toContain('The file says hi.');
    stream.close();

    const stored = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.filter((m) => m.role === 'assistant');
    expect(stored.map((m) => m.content)).toEqual(['I will read it.\n\nThe file says hi.', 'Second answer.']);
    // opencode's ACP usage covers the prompt's last step only.
    const usage = (await server.api<UsageSummary>('GET', `/api/chats/${chat.id}/usage`)).body;
    expect(usage.turns.map((t) => t.turn_number)).toEqual([1, 2]);
    expect(usage.turns[0]).toMatchObject({ agent: AGENT, tool_calls: 1 });
    expect(usage.turns[0]!.usage.input_total).toBeGreaterThan(0);
    expect(usage.turns[1]!.usage.input_total).toBeGreaterThan(0);
  });

  it('asks for a permission through session/request_permission, answered through the API', async () => {
    const { session, chat } = await newSession(server, project, { agent: AGENT, permission_policy: 'ask' });
    llm.push(
      { match: { hasTools: true, lastUserIncludes: 'perm' }, toolCalls: [{ name: 'bash', arguments: { command: 'echo acp-ok > acp.txt', description: 'write' } }] },
      { match: { hasTools: true, lastUserIncludes: 'perm' }, text: 'Done.' },
    );
    titles(1);
    const stream = await openStream(server.url, session.id, { token: server.token });
    const task = await post(server, chat.id, 'perm please');
    const asked = await stream.waitFor((f) => f.type === 'permission_request', OPENCODE_MS);
    expect(asked).toMatchObject({ chat_id: chat.id, kind: 'execute' });
    const r = await server.api<Permission>('POST', `/api/permissions/${String(asked.permission_id)}`, { decision: 'allow_once' });
    expect(r.status).toBe(200);
    const done = await waitTask(server, task.id);
    expect(done.status).toBe('completed');
    expect(done.output_summary).toBe('Done.');
    stream.close();
    const changes = (await server.api<{ pending: { files: { path: string }[] } | null }>('GET', `/api/sessions/${session.id}/changes`)).body;
    expect(changes.pending?.files.map((f) => f.path)).toContain('acp.txt');
  });

  it('cancels a running turn through POST /api/tasks/:id/cancel (session/cancel)', async () => {
    const { session, chat } = await newSession(server, project, { agent: AGENT });
    llm.push(
      { match: { hasTools: true, lastUserIncludes: 'slow' }, text: Array.from({ length: 60 }, (_, i) => `s${i} `), chunkDelayMs: 100 },
      { match: { hasTools: true, lastUserIncludes: 'after' }, text: 'Still here.' },
    );
    titles(1);
    const stream = await openStream(server.url, session.id, { token: server.token });
    const task = await post(server, chat.id, 'be slow');
    await stream.waitFor((f) => f.type === 'message_delta' && String(f.text).includes('s1'), OPENCODE_MS);
    expect((await server.api<Task>('POST', `/api/tasks/${task.id}/cancel`)).status).toBe(200);
    expect((await waitTask(server, task.id)).status).toBe('cancelled');
    stream.close();
    const next = await waitTask(server, (await post(server, chat.id, 'after the cancel')).id);
    expect(next.status).toBe('completed');
    expect(next.output_summary).toBe('Still here.');
  });
});
