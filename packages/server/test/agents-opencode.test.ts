import { describe, expect, it } from 'vitest';
import { OpenCodeBackend } from '@boocode/agents';
import type { ChatAgentSessionsResponse, MessagePage, Permission, Session, Task, TracePage, UsageSummary } from '@boocode/contracts';
import { isTitleRequest } from '@boocode/testkit';
import { openStream } from '@boocode/testkit/server';
import { joined, newSession, post, waitTask, OPENCODE_MS, useOpenCodeServer } from './agents-env.js';

/**
 * The real opencode (`opencode serve`, opencode-ai devDependency) driven through BooCode's HTTP API
 * and session WebSocket, offline, on the fake LLM. Its provider comes from config.json's `opencode`
 * section, as a user would configure their own models.
 */

const ctx = useOpenCodeServer();

const agentSessions = async (chatId: string) =>
  (await ctx.server.api<ChatAgentSessionsResponse>('GET', `/api/chats/${chatId}/agent-sessions`)).body.items;

const backend = async () => {
  const b = await ctx.server.ctx.registry.backendFor('opencode');
  if (!(b instanceof OpenCodeBackend)) throw new Error('opencode is not served by the OpenCode backend');
  return b;
};

describe('OpenCode through the server', { timeout: 3 * OPENCODE_MS }, () => {
  it('two turns in one session: streamed tokens, reasoning once, traced tool, same opencode session and ctx.server, usage', async () => {
    const { session, chat } = await newSession(ctx.server, ctx.project, { agent: 'opencode' });
    ctx.llm.push(
      {
        match: { hasTools: true, lastUserIncludes: 'read hello' },
        reasoning: ['Let me ', 'think.'],
        text: ['I will ', 'read it.'],
        toolCalls: [{ name: 'read', arguments: { filePath: 'hello.txt' } }],
        usage: { prompt_tokens: 100, completion_tokens: 20, cached_tokens: 10, reasoning_tokens: 5 },
      },
      { match: { hasTools: true, lastUserIncludes: 'read hello' }, text: ['The file ', 'says hi.'], usage: { prompt_tokens: 150, completion_tokens: 8 } },
      { match: { hasTools: true, lastUserIncludes: 'again' }, text: ['Second ', 'answer.'], usage: { prompt_tokens: 200, completion_tokens: 4 } },
    );
    const stream = await openStream(ctx.server.url, session.id, { token: ctx.server.token });
    await stream.waitFor((f) => f.type === 'agent_snapshot');

    const t1 = await waitTask(ctx.server, (await post(ctx.server, chat.id, 'read hello.txt')).id);
    expect(t1.error).toBeNull();
    expect(t1.status).toBe('completed');
    const m1 = (await stream.waitFor((f) => f.type === 'message_complete' && f.status === 'complete')).message_id as string;
    const deltas = stream.frames.filter((f) => f.type === 'message_delta' && f.message_id === m1);
    // Real streaming: several deltas, not one final blob.
    expect(deltas.length).toBeGreaterThanOrEqual(4);
    expect(joined(stream.frames, 'message_delta', m1)).toBe('I will read it.\n\nThe file says hi.');
    expect(joined(stream.frames, 'reasoning_delta', m1)).toBe('Let me think.');
    const start = stream.frames.find((f) => f.type === 'tool_trace_start' && f.message_id === m1);
    expect(start).toMatchObject({ tool_name: 'read' });
    const finish = stream.frames.find((f) => f.type === 'tool_trace_finish' && f.trace_id === start?.trace_id);
    expect(finish).toMatchObject({ outcome: 'success', tool_name: 'read' });

    const stored = (await ctx.server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.find((m) => m.id === m1)!;
    expect(stored).toMatchObject({ content: 'I will read it.\n\nThe file says hi.', reasoning: 'Let me think.', status: 'complete' });
    // The read happened after the first step's text: the message says where, for the UI to place its card.
    expect(stored.metadata).toMatchObject({ tool_offsets: { [(start as { trace_id: string }).trace_id]: 'I will read it.'.length } });

    const traces = (await ctx.server.api<TracePage>('GET', `/api/chats/${chat.id}/traces`)).body.items;
    expect(traces).toHaveLength(1);
    expect(traces[0]).toMatchObject({ tool_name: 'read', outcome: 'success', turn_number: 1, error: null });
    expect(traces[0]!.tool_output).toContain('hi there');
    expect(traces[0]!.latency_ms).toEqual(expect.any(Number));
    expect(traces[0]!.finished_at).not.toBeNull();

    const [first] = await agentSessions(chat.id);
    expect(first).toMatchObject({ agent: 'opencode', backend: 'opencode_server', status: 'idle' });
    expect(first!.resume_token).toMatch(/^ses_/);
    const pid = (await backend()).serverInfo()?.pid;
    expect(pid).toEqual(expect.any(Number));

    const t2 = await waitTask(ctx.server, (await post(ctx.server, chat.id, 'say it again')).id);
    expect(t2.status).toBe('completed');
    expect(t2.output_summary).toBe('Second answer.');
    const [second] = await agentSessions(chat.id);
    expect(second!.resume_token).toBe(first!.resume_token);
    expect((await backend()).serverInfo()?.pid).toBe(pid);
    // The same opencode session: the second request carries the first turn's answer.
    expect(JSON.stringify(ctx.llm.requests.at(-1)!.messages)).toContain('The file says hi.');
    stream.close();
    // By default BooCode titles the opencode session: opencode asks its model for no title, and
    // the session is named after the first prompt.
    expect(ctx.llm.requests.filter((r) => isTitleRequest(r.messages))).toEqual([]);
    expect(stream.frames.filter((f) => f.type === 'agent_title')).toEqual([]);
    expect((await ctx.server.api<Session>('GET', `/api/sessions/${session.id}`)).body.name).toBe('read hello.txt');

    const usage = (await ctx.server.api<UsageSummary>('GET', `/api/chats/${chat.id}/usage`)).body;
    expect(usage.turns.map((t) => t.turn_number)).toEqual([1, 2]);
    expect(usage.turns[0]).toMatchObject({
      agent: 'opencode',
      model: 'fake-model',
      provider: 'fake',
      steps: 2,
      tool_calls: 1,
      usage: { input_total: 250, no_cache: 240, cache_read: 10, cache_write: 0, output: 28, reasoning: 5 },
    });
    expect(usage.turns[1]!.usage).toMatchObject({ input_total: 200, output: 4 });
    expect(usage.total.input_total).toBe(450);
  });

  it('asks the user for a permission and runs the tool once it is allowed through the API', async () => {
    const { session, chat } = await newSession(ctx.server, ctx.project, { agent: 'opencode', permission_policy: 'ask' });
    ctx.llm.push(
      { match: { lastUserIncludes: 'write perm' }, toolCalls: [{ name: 'bash', arguments: { command: 'echo perm-ok > perm.txt', description: 'write' } }] },
      { match: { lastUserIncludes: 'write perm' }, text: 'Written.' },
    );
    const stream = await openStream(ctx.server.url, session.id, { token: ctx.server.token });
    const task = await post(ctx.server, chat.id, 'write perm file');
    const asked = await stream.waitFor((f) => f.type === 'permission_request', OPENCODE_MS);
    expect(asked).toMatchObject({ chat_id: chat.id, kind: 'execute' });
    expect(String(asked.title)).toContain('echo perm-ok');
    // Still waiting: the turn does not go on by itself.
    expect((await ctx.server.api<Task>('GET', `/api/tasks/${task.id}`)).body.status).toBe('running');
    const answer = await ctx.server.api<Permission>('POST', `/api/permissions/${String(asked.permission_id)}`, { decision: 'allow_once' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'answered', decision: 'allow_once', decided_by: 'user' });
    expect((await waitTask(ctx.server, task.id)).status).toBe('completed');
    expect(await stream.waitFor((f) => f.type === 'permission_resolved')).toMatchObject({ outcome: 'allow_once', decided_by: 'user' });
    // Answering twice is refused.
    expect((await ctx.server.api('POST', `/api/permissions/${String(asked.permission_id)}`, { decision: 'reject' })).status).toBe(409);
    stream.close();
    const changes = (await ctx.server.api<{ pending: { files: { path: string }[] } | null }>('GET', `/api/sessions/${session.id}/changes`)).body;
    expect(changes.pending?.files.map((f) => f.path)).toContain('perm.txt');
  });

  it('under allow_all opencode asks nothing: its session carries the policy as its own rules', async () => {
    const { session, chat } = await newSession(ctx.server, ctx.project, { agent: 'opencode', permission_policy: 'allow_all' });
    ctx.llm.push(
      { match: { lastUserIncludes: 'auto perm' }, toolCalls: [{ name: 'bash', arguments: { command: 'echo auto-ok > auto.txt', description: 'write' } }] },
      { match: { lastUserIncludes: 'auto perm' }, text: 'Done by policy.' },
    );
    const stream = await openStream(ctx.server.url, session.id, { token: ctx.server.token });
    const task = await waitTask(ctx.server, (await post(ctx.server, chat.id, 'auto perm please')).id);
    expect(task.status).toBe('completed');
    expect(task.output_summary).toBe('Done by policy.');
    stream.close();
    expect(stream.frames.filter((f) => f.type === 'permission_request')).toEqual([]);
    const perms = (await ctx.server.api<{ items: Permission[] }>('GET', `/api/sessions/${session.id}/permissions`)).body.items;
    expect(perms).toEqual([]);
    const after = (await ctx.server.api<Session>('GET', `/api/sessions/${session.id}`)).body;
    expect(after.policy_support).toEqual({ policy: 'allow_all', level: 'full', reason: null });
    const traces = (await ctx.server.api<TracePage>('GET', `/api/chats/${chat.id}/traces`)).body.items;
    expect(traces).toEqual([expect.objectContaining({ tool_name: 'bash', outcome: 'success' })]);
  });

  it('under allow_edits an edit raises no request at all, a command still waits for the user', async () => {
    const { session, chat } = await newSession(ctx.server, ctx.project, { agent: 'opencode', permission_policy: 'allow_edits', isolated: false });
    ctx.llm.push(
      { match: { lastUserIncludes: 'edits only' }, toolCalls: [{ name: 'write', arguments: { filePath: `${ctx.project.path}/edits.txt`, content: 'edited\n' } }] },
      { match: { lastUserIncludes: 'edits only' }, toolCalls: [{ name: 'bash', arguments: { command: 'echo cmd-ok > cmd.txt', description: 'run' } }] },
      { match: { lastUserIncludes: 'edits only' }, text: 'Edited and ran.' },
    );
    const stream = await openStream(ctx.server.url, session.id, { token: ctx.server.token });
    const task = await post(ctx.server, chat.id, 'edits only, then a command');
    const asked = await stream.waitFor((f) => f.type === 'permission_request' && f.kind === 'execute', OPENCODE_MS);
    const perms = (await ctx.server.api<{ items: Permission[] }>('GET', `/api/sessions/${session.id}/permissions`)).body.items;
    expect(perms).toEqual([expect.objectContaining({ id: asked.permission_id, kind: 'execute', status: 'pending' })]);
    expect((await ctx.server.api('POST', `/api/permissions/${String(asked.permission_id)}`, { decision: 'allow_once' })).status).toBe(200);
    expect((await waitTask(ctx.server, task.id)).output_summary).toBe('Edited and ran.');
    stream.close();
  });

  it('under ask an edit waits for the user too; switched to allow_all mid-session, the next edit does not', async () => {
    const { session, chat } = await newSession(ctx.server, ctx.project, { agent: 'opencode', permission_policy: 'ask', isolated: false });
    ctx.llm.push(
      { match: { lastUserIncludes: 'ask edit' }, toolCalls: [{ name: 'write', arguments: { filePath: `${ctx.project.path}/asked.txt`, content: 'asked\n' } }] },
      { match: { lastUserIncludes: 'ask edit' }, text: 'Edit allowed.' },
    );
    const stream = await openStream(ctx.server.url, session.id, { token: ctx.server.token });
    const first = await post(ctx.server, chat.id, 'ask edit');
    const asked = await stream.waitFor((f) => f.type === 'permission_request', OPENCODE_MS);
    expect(asked.kind).toBe('edit');
    expect((await ctx.server.api('POST', `/api/permissions/${String(asked.permission_id)}`, { decision: 'allow_once' })).status).toBe(200);
    expect((await waitTask(ctx.server, first.id)).output_summary).toBe('Edit allowed.');
    const sessionId = (await agentSessions(chat.id))[0]!.resume_token;

    expect((await ctx.server.api('PATCH', `/api/sessions/${session.id}`, { permission_policy: 'allow_all' })).status).toBe(200);
    ctx.llm.push(
      { match: { lastUserIncludes: 'free edit' }, toolCalls: [{ name: 'write', arguments: { filePath: `${ctx.project.path}/free.txt`, content: 'free\n' } }] },
      { match: { lastUserIncludes: 'free edit' }, text: 'Edited freely.' },
    );
    expect((await waitTask(ctx.server, (await post(ctx.server, chat.id, 'free edit')).id)).output_summary).toBe('Edited freely.');
    stream.close();
    // One request in all (the first turn's), and the same opencode session throughout.
    expect(stream.frames.filter((f) => f.type === 'permission_request')).toHaveLength(1);
    expect((await agentSessions(chat.id))[0]!.resume_token).toBe(sessionId);
    expect((await ctx.server.api<Session>('GET', `/api/sessions/${session.id}`)).body.policy_support).toMatchObject({ policy: 'allow_all', level: 'full' });
  });

  it('aborts a running turn through POST /api/tasks/:id/cancel', async () => {
    const { session, chat } = await newSession(ctx.server, ctx.project, { agent: 'opencode' });
    ctx.llm.push(
      { match: { lastUserIncludes: 'slow story' }, text: Array.from({ length: 60 }, (_, i) => `s${i} `), chunkDelayMs: 100 },
      { match: { lastUserIncludes: 'after abort' }, text: 'Still here.' },
    );
    const stream = await openStream(ctx.server.url, session.id, { token: ctx.server.token });
    const task = await post(ctx.server, chat.id, 'tell a slow story');
    await stream.waitFor((f) => f.type === 'message_delta' && String(f.text).includes('s1'), OPENCODE_MS);
    expect((await ctx.server.api<Task>('POST', `/api/tasks/${task.id}/cancel`)).status).toBe(200);
    expect((await waitTask(ctx.server, task.id)).status).toBe('cancelled');
    const msg = (await ctx.server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.find((m) => m.role === 'assistant')!;
    expect(msg.status).toBe('cancelled');
    expect(msg.content).toMatch(/^s0 s1 /);
    expect(msg.content).not.toContain('s59');
    stream.close();
    // opencode stopped the turn: the session takes the next message in the same opencode session.
    const next = await waitTask(ctx.server, (await post(ctx.server, chat.id, 'after abort')).id);
    expect(next.status).toBe('completed');
    expect(next.output_summary).toBe('Still here.');
  });
});
