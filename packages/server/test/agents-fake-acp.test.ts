import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcpBackend } from '@boocode/agents';
import type { ChatAgentSessionsResponse, MessagePage, Permission, Project, Session, Task, TracePage, UsageSummary, UsageTotals } from '@boocode/contracts';
import { fakeAcpBin, type FakeAcpScript } from '@boocode/testkit';
import { makeGitRepo, openStream, startTestServer, until, type TestServer } from '@boocode/testkit/server';
import { acpBackend, acpPid, homeWithConfig, joined, newSession, post, waitTask } from './agents-env.js';

/**
 * The ACP backend through the server against the fake ACP agent (testkit), configured as a custom
 * agent in config.json, for what a real agent cannot be made to do on demand: crash, plan, notices,
 * permissions rejected or left waiting, cancellation mid-turn.
 */

const AGENT = 'fake';
let dir: string;
let server: TestServer;
let project: Project;

const script: FakeAcpScript = {
  commands: [{ name: 'review', description: 'Review the change' }],
  turns: [
    {
      match: 'make a plan',
      steps: [
        { thought: 'Thinking about it.' },
        { plan: [{ content: 'look', status: 'in_progress' }, { content: 'fix', status: 'pending' }] },
        { text: 'Planning. ' },
        { plan: [{ content: 'look', status: 'completed' }, { content: 'fix', status: 'in_progress' }] },
        { notice: { severity: 'warning', title: 'Context compacted', description: 'older turns summarized' } },
        { title: 'Plan the fix' },
        { context: { used: 1200, size: 200000, cost: 0.25 } },
        { text: 'Done planning.' },
      ],
      usage: { inputTokens: 300, outputTokens: 40, cachedReadTokens: 100, thoughtTokens: 5 },
    },
    { match: 'remember seven', steps: [{ text: 'Noted: 7.' }] },
    { match: 'crash now', steps: [{ text: 'about to die' }, { delayMs: 50 }, { crash: 3 }] },
    { match: 'after the crash', steps: [{ text: 'Back again.' }] },
    { match: 'warm one', steps: [{ text: 'warm' }] },
    { match: 'warm two', steps: [{ text: 'warm' }] },
    { match: 'still warm', steps: [{ text: 'same process' }] },
    { match: 'killed outside', steps: [{ text: 'restarted' }] },
    {
      match: 'edit with permission',
      steps: [
        { tool: { id: 'edit-1', title: 'Edit notes.txt', kind: 'edit', input: { path: 'notes.txt' }, permission: true, output: 'edited' } },
        { text: 'After the answer.' },
      ],
    },
    {
      match: 'ask and wait',
      steps: [{ text: 'Asking. ' }, { tool: { id: 'exec-1', title: 'Run make', kind: 'execute', input: { command: 'make' }, permission: true } }, { text: 'never' }],
    },
    {
      match: 'blocked elsewhere',
      steps: [{ tool: { id: 'exec-2', title: 'Run tests', kind: 'execute', permission: true } }, { text: 'Allowed at last.' }],
    },
    { match: 'meanwhile', steps: [{ text: 'Not blocked.' }] },
    { match: 'one more', steps: [{ text: 'more' }] },
    { match: 'archive me while busy', steps: [{ text: 'Working. ' }, { waitForCancel: true }] },
    { match: 'before archive', steps: [{ text: 'ok' }] },
  ],
};

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-srv-acp-')));
  const scriptFile = join(dir, 'script.json');
  writeFileSync(scriptFile, JSON.stringify({ ...script, stateFile: join(dir, 'state.json'), logFile: join(dir, 'log.jsonl') }));
  const home = homeWithConfig({ agents: { [AGENT]: { command: fakeAcpBin, args: ['--script', scriptFile], kind: 'acp' } }, acp: { cancelGraceMs: 3_000 } });
  server = await startTestServer({
    home,
    writeIntervalMs: 50,
    agents: { discovery: { agents: [] } },
  });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'notes.txt': 'one\n' }) })).body;
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Requests the fake agent received (all its processes), in order. */
const agentLog = (): { method: string; params: Record<string, unknown> }[] =>
  readFileSync(join(dir, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { method: string; params: Record<string, unknown> });

const agentSession = async (chatId: string) =>
  (await server.api<ChatAgentSessionsResponse>('GET', `/api/chats/${chatId}/agent-sessions`)).body.items[0]!;

const acp = (): Promise<AcpBackend> => acpBackend(server, AGENT);
const pidOf = (chatId: string) => acpPid(server, AGENT, chatId);

describe('ACP through the server (fake agent)', () => {
  it('streams plans, notices, title, context use and settings as frames, and keeps them', async () => {
    const { session, chat } = await newSession(server, project, { agent: AGENT });
    const stream = await openStream(server.url, session.id, { token: server.token });
    const task = await waitTask(server, (await post(server, chat.id, 'make a plan')).id);
    expect(task.status).toBe('completed');
    const done = await stream.waitFor((f) => f.type === 'message_complete');
    const messageId = done.message_id as string;
    stream.close();

    const plans = stream.frames.filter((f) => f.type === 'plan');
    expect(plans.map((f) => f.entries)).toEqual([
      [{ content: 'look', status: 'in_progress', priority: 'medium' }, { content: 'fix', status: 'pending', priority: 'medium' }],
      [{ content: 'look', status: 'completed', priority: 'medium' }, { content: 'fix', status: 'in_progress', priority: 'medium' }],
    ]);
    expect(plans.every((f) => f.message_id === messageId)).toBe(true);
    expect(joined(stream.frames, 'reasoning_delta', messageId)).toBe('Thinking about it.');
    expect(joined(stream.frames, 'message_delta', messageId)).toBe('Planning. Done planning.');
    expect(stream.frames.find((f) => f.type === 'notice')).toMatchObject({
      message_id: messageId,
      severity: 'warning',
      title: 'Context compacted',
      description: 'older turns summarized',
    });
    expect(stream.frames.find((f) => f.type === 'agent_title')).toMatchObject({ chat_id: chat.id, agent: AGENT, title: 'Plan the fix' });
    expect(stream.frames.find((f) => f.type === 'context_usage')).toMatchObject({ message_id: messageId, used: 1200, size: 200000, cost: 0.25, currency: 'USD' });
    const settings = stream.frames.find((f) => f.type === 'config_options');
    expect(settings).toMatchObject({ chat_id: chat.id, agent: AGENT });
    expect((settings!.options as { category: string }[]).map((o) => o.category)).toEqual(['model', 'mode']);

    // After a reload: the message keeps its plan, notices and context use ...
    const msg = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.find((m) => m.id === messageId)!;
    expect(msg).toMatchObject({ content: 'Planning. Done planning.', reasoning: 'Thinking about it.' });
    expect(msg.metadata).toMatchObject({
      plan: [{ content: 'look', status: 'completed' }, { content: 'fix', status: 'in_progress' }],
      notices: [{ severity: 'warning', title: 'Context compacted', description: 'older turns summarized' }],
      context_usage: { used: 1200, size: 200000, cost: 0.25, currency: 'USD' },
    });
    // ... and the chat's agent session keeps what the agent said about itself.
    const state = await agentSession(chat.id);
    expect(state).toMatchObject({ agent: AGENT, backend: 'acp', status: 'idle', title: 'Plan the fix', context_usage: { used: 1200 } });
    expect(state.config_options?.find((o) => o.category === 'model')).toMatchObject({ current_value: 'fake/alpha' });
    // The agent announces its commands on its own time after the session starts; by the next turn they are known.
    expect((await waitTask(server, (await post(server, chat.id, 'one more')).id)).status).toBe('completed');
    expect(await agentSession(chat.id)).toMatchObject({ title: 'Plan the fix', commands: [{ name: 'review', description: 'Review the change' }] });

    const usage = (await server.api<UsageSummary>('GET', `/api/chats/${chat.id}/usage`)).body;
    expect(usage.turns[0]!.usage).toEqual({ input_total: 300, no_cache: 200, cache_read: 100, cache_write: 0, output: 40, reasoning: 5 });
    // The session's running cost from usage_update is not this turn's cost.
    expect(usage.turns[0]!.cost).toBeNull();
  });

  it('a turn whose agent reports no usage is stored as not reported, and totals say so', async () => {
    const { session, chat } = await newSession(server, project, { agent: AGENT });
    const stream = await openStream(server.url, session.id, { token: server.token });
    expect((await waitTask(server, (await post(server, chat.id, 'make a plan')).id)).status).toBe('completed');
    expect((await waitTask(server, (await post(server, chat.id, 'remember seven')).id)).status).toBe('completed');
    const completes = [await stream.waitFor((f) => f.type === 'message_complete'), await stream.waitFor((f) => f.type === 'message_complete' && f.usage_reported === false)];
    stream.close();
    expect(completes[0]!.usage_reported).toBeUndefined();

    const [reported, unreported] = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.filter((m) => m.role === 'assistant');
    expect(reported!.usage_reported).toBeUndefined();
    expect(reported!.usage.input_total).toBe(300);
    expect(unreported).toMatchObject({ content: 'Noted: 7.', usage_reported: false });
    const perTurn = (await server.api<UsageSummary>('GET', `/api/chats/${chat.id}/usage`)).body;
    expect(perTurn.turns.map((t) => t.usage_reported ?? true)).toEqual([true, false]);
    expect(perTurn.unreported_turns).toBe(1);
    const totals = (await server.api<UsageTotals>('GET', `/api/sessions/${session.id}/usage`)).body;
    expect(totals).toMatchObject({ turns: 2, unreported_turns: 1, total: { input_total: 300, output: 40 } });
    // An unreported turn has no tokens to price: it is not counted as unpriced.
    expect(totals.unpriced_turns).toBe(1);
  });

  it('a crash fails the turn readably; the next turn restarts the agent and loads the stored session', async () => {
    const { chat } = await newSession(server, project, { agent: AGENT });
    expect((await waitTask(server, (await post(server, chat.id, 'remember seven')).id)).status).toBe('completed');
    const before = await agentSession(chat.id);
    const token = before.resume_token!;
    expect(token).toMatch(/^fake_/);
    const pid = await pidOf(chat.id);

    const crashed = await waitTask(server, (await post(server, chat.id, 'crash now')).id);
    expect(crashed.status).toBe('failed');
    expect(crashed.error).toMatch(/^agent_crashed: .*code 3/);
    const partial = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.at(-1)!;
    expect(partial).toMatchObject({ role: 'assistant', status: 'failed', content: 'about to die' });
    expect(await agentSession(chat.id)).toMatchObject({ status: 'crashed', resume_token: token });

    const loadsBefore = agentLog().filter((l) => l.method === 'session/load').length;
    const after = await waitTask(server, (await post(server, chat.id, 'after the crash')).id);
    expect(after.status).toBe('completed');
    expect(after.output_summary).toBe('Back again.');
    const loads = agentLog().filter((l) => l.method === 'session/load');
    expect(loads.slice(loadsBefore)).toEqual([expect.objectContaining({ params: expect.objectContaining({ sessionId: token }) })]);
    expect(await agentSession(chat.id)).toMatchObject({ status: 'idle', resume_token: token });
    const newPid = await pidOf(chat.id);
    expect(newPid).not.toBeNull();
    expect(newPid).not.toBe(pid);
  });

  it("one chat's dead process does not restart another chat's warm one", async () => {
    const a = await newSession(server, project, { agent: AGENT, isolated: false });
    const b = await newSession(server, project, { agent: AGENT, isolated: false });
    expect((await waitTask(server, (await post(server, a.chat.id, 'warm one')).id)).status).toBe('completed');
    expect((await waitTask(server, (await post(server, b.chat.id, 'warm two')).id)).status).toBe('completed');
    const pidA = (await pidOf(a.chat.id))!;
    const pidB = (await pidOf(b.chat.id))!;
    expect(pidA).not.toBe(pidB);

    // A's agent dies between turns (OOM killer, a user's kill): the backend as a whole reads as down.
    process.kill(pidA, 'SIGKILL');
    // The process reads as gone a moment before its exit is handled: wait for both.
    await until(
      async () => (await acp()).processInfo({ chatId: a.chat.id, agent: AGENT }) === null && (await (await acp()).health()).status === 'down',
      "A's process to be gone and the backend to read as down",
    );

    const tb = await waitTask(server, (await post(server, b.chat.id, 'still warm')).id);
    expect(tb.status).toBe('completed');
    expect(await pidOf(b.chat.id)).toBe(pidB);

    // A's next turn starts its agent again and resumes its session.
    const ta = await waitTask(server, (await post(server, a.chat.id, 'killed outside')).id);
    expect(ta.status).toBe('completed');
    expect(ta.output_summary).toBe('restarted');
    expect(await pidOf(a.chat.id)).not.toBe(pidA);
    const tokenA = (await agentSession(a.chat.id)).resume_token;
    expect(agentLog().filter((l) => l.method === 'session/load').map((l) => l.params.sessionId)).toContain(tokenA);
  });

  it('a permission rejected through the API fails that tool and the turn goes on', async () => {
    const { session, chat } = await newSession(server, project, { agent: AGENT, permission_policy: 'ask' });
    const stream = await openStream(server.url, session.id, { token: server.token });
    const task = await post(server, chat.id, 'edit with permission');
    const asked = await stream.waitFor((f) => f.type === 'permission_request');
    expect(asked).toMatchObject({ chat_id: chat.id, tool_call_id: 'edit-1', title: 'Edit notes.txt', kind: 'edit' });
    expect((asked.options as { kind: string }[]).map((o) => o.kind)).toEqual(['allow_once', 'allow_always', 'reject_once']);
    const pending = (await server.api<{ items: Permission[] }>('GET', `/api/sessions/${session.id}/permissions?status=pending`)).body.items;
    expect(pending.map((p) => p.id)).toEqual([asked.permission_id]);
    // Stored on the session, so a reload or another browser shows it too.
    const attention = async () => (await server.api<Session>('GET', `/api/sessions/${session.id}`)).body.attention;
    await until(async () => (await attention()) === 'permission', 'the session to need permission');
    // Seeing the session does not clear a question still waiting for its answer.
    expect((await server.api<Session>('POST', `/api/sessions/${session.id}/seen`)).body.attention).toBe('permission');

    const r = await server.api<Permission>('POST', `/api/permissions/${String(asked.permission_id)}`, { decision: 'reject' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'answered', decision: 'reject', decided_by: 'user' });
    const done = await waitTask(server, task.id);
    expect(done.status).toBe('completed');
    expect(done.output_summary).toBe('After the answer.');
    expect(await stream.waitFor((f) => f.type === 'permission_resolved')).toMatchObject({ permission_id: asked.permission_id, outcome: 'reject', decided_by: 'user' });
    // Answered, then finished unseen, until the user looks; every page hears of each change.
    expect(await stream.waitFor((f) => f.type === 'session_updated' && (f.session as Session).attention === 'finished')).toBeTruthy();
    expect(await attention()).toBe('finished');
    const seen = await server.api<Session>('POST', `/api/sessions/${session.id}/seen`);
    expect(seen.status).toBe(200);
    expect(seen.body.attention).toBeNull();
    expect(await stream.waitFor((f) => f.type === 'session_updated' && (f.session as Session).attention === null)).toBeTruthy();
    expect((await server.api('POST', '/api/sessions/00000000-0000-4000-8000-000000000000/seen')).status).toBe(404);
    stream.close();
    const traces = (await server.api<TracePage>('GET', `/api/chats/${chat.id}/traces`)).body.items;
    expect(traces).toEqual([expect.objectContaining({ tool_call_id: 'edit-1', outcome: 'error', error: 'permission rejected by the user' })]);
    expect(readFileSync(join(project.path, 'notes.txt'), 'utf8')).toBe('one\n');
  });

  it('cancelling mid-turn cancels the waiting permission (permission_resolved) and keeps the partial answer', async () => {
    const { session, chat } = await newSession(server, project, { agent: AGENT });
    const stream = await openStream(server.url, session.id, { token: server.token });
    const task = await post(server, chat.id, 'ask and wait');
    const asked = await stream.waitFor((f) => f.type === 'permission_request');
    // The chat's agent session is on record while its first turn runs.
    await until(async () => (await agentSession(chat.id))?.status === 'busy', 'the agent session to read busy');
    const c = await server.api<Task>('POST', `/api/tasks/${task.id}/cancel`);
    expect(c.status).toBe(200);
    expect((await waitTask(server, task.id)).status).toBe('cancelled');
    expect(await stream.waitFor((f) => f.type === 'permission_resolved')).toMatchObject({
      permission_id: asked.permission_id,
      outcome: 'cancelled',
      decided_by: 'cancelled',
    });
    stream.close();
    const perm = (await server.api<{ items: Permission[] }>('GET', `/api/sessions/${session.id}/permissions`)).body.items[0]!;
    expect(perm).toMatchObject({ status: 'cancelled', decided_by: 'cancelled' });
    // Too late to answer.
    expect((await server.api('POST', `/api/permissions/${perm.id}`, { decision: 'allow_once' })).status).toBe(409);
    const msg = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.at(-1)!;
    expect(msg).toMatchObject({ status: 'cancelled', content: 'Asking. ' });
    const traces = (await server.api<TracePage>('GET', `/api/chats/${chat.id}/traces`)).body.items;
    expect(traces).toEqual([expect.objectContaining({ tool_call_id: 'exec-1', outcome: 'cancelled' })]);
  });

  it("archiving the session stops its chats' agent processes and closes their agent sessions", async () => {
    const { session, chat } = await newSession(server, project, { agent: AGENT, isolated: false });
    expect((await waitTask(server, (await post(server, chat.id, 'before archive')).id)).status).toBe('completed');
    const pid = (await pidOf(chat.id))!;
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect((await server.api('POST', `/api/sessions/${session.id}/archive`, {})).status).toBe(200);
    expect(await pidOf(chat.id)).toBeNull();
    await until(async () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 'the agent process to exit');
    expect(await agentSession(chat.id)).toMatchObject({ status: 'closed' });
  });

  it('archiving a session mid-turn cancels the turn and still ends the agent session', async () => {
    const { session, chat } = await newSession(server, project, { agent: AGENT, isolated: false });
    const stream = await openStream(server.url, session.id, { token: server.token });
    const task = await post(server, chat.id, 'archive me while busy');
    await stream.waitFor((f) => f.type === 'message_delta');
    const pid = (await pidOf(chat.id))!;
    expect((await server.api('POST', `/api/sessions/${session.id}/archive`, {})).status).toBe(200);
    expect((await waitTask(server, task.id)).status).toBe('cancelled');
    stream.close();
    expect(await pidOf(chat.id)).toBeNull();
    expect(() => process.kill(pid, 0)).toThrow();
    expect(await agentSession(chat.id)).toMatchObject({ status: 'closed' });
  });

  it('an unanswered permission in one session does not hold up a turn in another', async () => {
    const waiting = await newSession(server, project, { agent: AGENT });
    const other = await newSession(server, project, { agent: AGENT });
    const stream = await openStream(server.url, waiting.session.id, { token: server.token });
    const blocked = await post(server, waiting.chat.id, 'blocked elsewhere');
    const asked = await stream.waitFor((f) => f.type === 'permission_request');

    const free = await waitTask(server, (await post(server, other.chat.id, 'meanwhile')).id);
    expect(free.status).toBe('completed');
    expect(free.output_summary).toBe('Not blocked.');
    expect((await server.api<Task>('GET', `/api/tasks/${blocked.id}`)).body.status).toBe('running');

    await server.api('POST', `/api/permissions/${String(asked.permission_id)}`, { decision: 'allow_once' });
    const done = await waitTask(server, blocked.id);
    expect(done.status).toBe('completed');
    expect(done.output_summary).toBe('Allowed at last.');
    stream.close();
  });
});
