import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Chat, MessagePage, PostMessageResponse, Project, Session, Task, TracePage, UsageSummary } from '@boocode/contracts';
import { makeGitRepo, openStream, startTestServer } from '@boocode/testkit/server';
import { waitTask as waitServerTask, useNativeServer } from './agents-env.js';

const env = useNativeServer({ fallback: { text: 'ok' } });

async function newSession(body: Record<string, unknown> = {}): Promise<{ session: Session; chat: Chat }> {
  const session = (await env.server.api<Session>('POST', '/api/sessions', { project_id: env.project.id, ...body })).body;
  const chat = (await env.server.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
  return { session, chat };
}

const waitTask = (id: string, done?: (t: Task) => boolean) => waitServerTask(env.server, id, done);

const post = (chatId: string, content: string) => env.server.api<PostMessageResponse>('POST', `/api/chats/${chatId}/messages`, { content });

describe('turn runner with the native agent', () => {
  it('streams and persists an answer with its tool trace and usage', async () => {
    const { session, chat } = await newSession();
    env.llm.push(
      { match: { lastUserIncludes: 'read a.txt' }, toolCalls: [{ id: 'call_1', name: 'read_file', arguments: { path: 'a.txt' } }], usage: { prompt_tokens: 100, completion_tokens: 10, cached_tokens: 60 } },
      { text: ['The file ', 'says alpha.'], reasoning: 'Looked at it.', usage: { prompt_tokens: 150, completion_tokens: 20, cached_tokens: 100, style: 'deepseek' } },
    );
    const stream = await openStream(env.server.url, session.id, { token: env.server.token });
    await stream.waitFor((f) => f.type === 'agent_snapshot');
    const r = await post(chat.id, 'please read a.txt');
    const task = await waitTask(r.body.task.id);
    expect(task.status).toBe('completed');
    expect(task.output_summary).toBe('The file says alpha.');
    expect(task.usage).toMatchObject({ input_total: 250, cache_read: 160, output: 30 });

    await stream.waitFor((f) => f.type === 'message_complete' && f.status === 'complete');
    const types = stream.frames.map((f) => f.type);
    for (const t of ['message_created', 'task_state', 'message_started', 'tool_trace_start', 'tool_trace_finish', 'reasoning_delta', 'message_delta', 'usage', 'message_complete']) {
      expect(types, t).toContain(t);
    }
    expect(types.indexOf('tool_trace_start')).toBeLessThan(types.indexOf('tool_trace_finish'));
    expect(stream.frames.filter((f) => f.type === 'message_delta').map((f) => f.text).join('')).toBe('The file says alpha.');
    stream.close();

    const page = (await env.server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body;
    const answer = page.items.find((m) => m.role === 'assistant')!;
    expect(answer).toMatchObject({ content: 'The file says alpha.', reasoning: 'Looked at it.', status: 'complete', turn: 1 });
    expect(answer.usage.output).toBe(30);

    const traces = (await env.server.api<TracePage>('GET', `/api/chats/${chat.id}/traces`)).body;
    expect(traces.items).toHaveLength(1);
    expect(traces.items[0]).toMatchObject({ tool_name: 'read_file', tool_call_id: 'call_1', outcome: 'success', turn_number: 1, tokens_used: 10, cache_tokens: 60 });
    expect(traces.items[0]!.tool_output).toContain('alpha');
    expect(traces.items[0]!.latency_ms).toBeGreaterThanOrEqual(0);

    const usage = (await env.server.api<UsageSummary>('GET', `/api/chats/${chat.id}/usage`)).body;
    expect(usage.turns).toHaveLength(1);
    expect(usage.turns[0]).toMatchObject({ steps: 2, tool_calls: 1, model: 'fake-model' });
    expect(usage.cache_hit_ratio).toBeCloseTo(160 / 250);
    // The agent read the file in the session's own worktree, not the env.project directory.
    expect(env.llm.requests.at(-1)!.messages.some((m) => JSON.stringify(m).includes('alpha'))).toBe(true);
  });

  it('runs two messages to one session strictly one after the other', async () => {
    const { chat } = await newSession();
    env.llm.push(
      { match: { lastUserIncludes: 'first' }, text: ['1', '2', '3', '4'], chunkDelayMs: 60 },
      { match: { lastUserIncludes: 'second' }, text: ['a', 'b'], chunkDelayMs: 20 },
    );
    const a = await post(chat.id, 'first');
    const b = await post(chat.id, 'second');
    const [ta, tb] = await Promise.all([waitTask(a.body.task.id), waitTask(b.body.task.id)]);
    expect(ta.status).toBe('completed');
    expect(tb.status).toBe('completed');
    // The second turn was claimed only once the first had ended: it got the first turn's whole
    // answer as history, and its model request came after the first one's.
    // (Task timestamps are statement start times, a millisecond apart either way on a busy
    // machine, so they are not compared.)
    const first = env.llm.requests.find((q) => q.lastUserText?.includes('first'))!;
    const req = env.llm.requests.find((q) => q.lastUserText?.includes('second'))!;
    expect(JSON.stringify(req.messages)).toContain('1234');
    expect(req.index).toBeGreaterThan(first.index);
    expect(Date.parse(tb.started_at!)).toBeGreaterThan(Date.parse(ta.started_at!));
  });

  it('runs messages to 10 sessions concurrently', async () => {
    const sessions = await Promise.all(Array.from({ length: 10 }, () => newSession({ isolated: false })));
    for (let i = 0; i < 10; i++) env.llm.push({ match: { lastUserIncludes: `parallel ${i}` }, text: ['x', 'y', 'z'], chunkDelayMs: 150 });
    const posted = await Promise.all(sessions.map(({ chat }, i) => post(chat.id, `parallel ${i}`)));
    const tasks = await Promise.all(posted.map((p) => waitTask(p.body.task.id)));
    expect(tasks.every((t) => t.status === 'completed')).toBe(true);
    const firstFinish = Math.min(...tasks.map((t) => Date.parse(t.finished_at!)));
    const startedBefore = tasks.filter((t) => Date.parse(t.started_at!) < firstFinish).length;
    expect(startedBefore).toBeGreaterThanOrEqual(8);
  });

  it('cancels mid-stream: task cancelled before the stream ends, message keeps what was streamed', async () => {
    const { session, chat } = await newSession();
    env.llm.push({ match: { lastUserIncludes: 'long story' }, text: Array.from({ length: 100 }, (_, i) => `w${i} `), chunkDelayMs: 100 });
    const stream = await openStream(env.server.url, session.id, { token: env.server.token });
    const r = await post(chat.id, 'tell a long story');
    await stream.waitFor((f) => f.type === 'message_delta' && String(f.text).startsWith('w2'));
    const c = await env.server.api<Task>('POST', `/api/tasks/${r.body.task.id}/cancel`);
    expect(c.status).toBe(200);
    const task = await waitTask(r.body.task.id);
    expect(task.status).toBe('cancelled');
    const msg = (await env.server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.find((m) => m.role === 'assistant')!;
    expect(msg.status).toBe('cancelled');
    expect(msg.content).toMatch(/^w0 w1 w2 /);
    expect(msg.content.length).toBeLessThan(100 * 4);
    await stream.waitFor((f) => f.type === 'task_state' && f.status === 'cancelled');
    stream.close();
    // The session takes the next message normally.
    const next = await post(chat.id, 'anything else');
    expect((await waitTask(next.body.task.id)).status).toBe('completed');
  });

  it('tells a fresh connection which turn is in flight (agent_snapshot)', async () => {
    const { session, chat } = await newSession();
    env.llm.push({ match: { lastUserIncludes: 'slow one' }, text: ['s', 'l', 'o', 'w'], chunkDelayMs: 250 });
    // In flight means its answer has started: a task just claimed has no assistant message yet.
    const early = await openStream(env.server.url, session.id, { token: env.server.token });
    const r = await post(chat.id, 'slow one');
    await early.waitFor((f) => f.type === 'message_started' && f.task_id === r.body.task.id);
    early.close();
    const late = await openStream(env.server.url, session.id, { token: env.server.token });
    const snap = await late.waitFor((f) => f.type === 'agent_snapshot');
    const inFlight = snap.in_flight as { task_id: string; chat_id: string }[];
    expect(inFlight.map((t) => t.task_id)).toEqual([r.body.task.id]);
    // The sidebar's stream says which sessions are busy right after its snapshot.
    const events = await openStream(env.server.url, null, { token: env.server.token });
    const busy = await events.waitFor((f) => f.type === 'session_activity' && f.session_id === session.id);
    expect(busy).toMatchObject({ activity: 'running', project_id: env.project.id, seq: events.frames[0]!.seq });
    events.close();
    await late.waitFor((f) => f.type === 'message_complete');
    late.close();
  });

  it('a client opening mid-turn rebuilds the exact text from the refetch (content_seq) plus the live deltas', async () => {
    const { session, chat } = await newSession();
    const words = Array.from({ length: 60 }, (_, i) => `w${i} `);
    env.llm.push({ match: { lastUserIncludes: 'seam test' }, text: words, chunkDelayMs: 15 });
    const watcher = await openStream(env.server.url, session.id, { token: env.server.token });
    const deltasSeen = () => watcher.frames.filter((f) => f.type === 'message_delta').length;
    await post(chat.id, 'seam test');
    // Five clients open at different points of the turn, each as a refreshed browser would.
    const rebuilt = await Promise.all(
      [1, 10, 20, 35, 50].map(async (after) => {
        await watcher.waitFor(() => deltasSeen() >= after, 30_000);
        const c = await openStream(env.server.url, session.id, { token: env.server.token });
        await c.waitFor((f) => f.type === 'snapshot');
        const page = (await env.server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body;
        const m = page.items.find((x) => x.role === 'assistant')!;
        // On a busy machine the turn may have ended before this client opened: then the refetch holds it all.
        if (m.status === 'streaming') await c.waitFor((f) => f.type === 'message_complete', 30_000);
        c.close();
        const live = c.frames.filter((f) => f.type === 'message_delta' && Number(f.seq) > (m.content_seq ?? 0)).map((f) => String(f.text));
        return m.content + live.join('');
      }),
    );
    watcher.close();
    for (const text of rebuilt) expect(text).toBe(words.join(''));
  });

  it('does not start a turn while a review action holds the session (advisory lock)', async () => {
    const { session, chat } = await newSession({ isolated: false });
    const conn = await env.server.ctx.sql.reserve();
    await conn`SELECT pg_advisory_lock(727002, hashtext(${session.id}))`;
    const r = await post(chat.id, 'while reviewing');
    await new Promise((res) => setTimeout(res, 1000));
    expect((await env.server.api<Task>('GET', `/api/tasks/${r.body.task.id}`)).body.status).toBe('pending');
    await conn`SELECT pg_advisory_unlock(727002, hashtext(${session.id}))`;
    conn.release();
    expect((await waitTask(r.body.task.id)).status).toBe('completed');
  });

  it('fails a turn with a readable error when the provider refuses (429)', async () => {
    const { chat } = await newSession();
    env.llm.push({ match: { lastUserIncludes: 'rate me' }, error: { status: 429, body: { error: { message: 'slow down' } } } }, { match: { lastUserIncludes: 'rate me' }, error: { status: 429 } }, { match: { lastUserIncludes: 'rate me' }, error: { status: 429 } });
    const r = await post(chat.id, 'rate me');
    const task = await waitTask(r.body.task.id);
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/rate_limited/);
    const msg = (await env.server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.find((m) => m.role === 'assistant')!;
    expect(msg.status).toBe('failed');
  });

  it('records the pending change of an isolated session after a turn that writes', async () => {
    const { session, chat } = await newSession();
    env.llm.push(
      { match: { lastUserIncludes: 'write b' }, toolCalls: [{ name: 'write_file', arguments: { path: 'b.txt', content: 'bravo\n' } }] },
      { match: { lastUserIncludes: 'write b' }, text: 'written' },
    );
    const r = await post(chat.id, 'write b');
    expect((await waitTask(r.body.task.id)).status).toBe('completed');
    const changes = (await env.server.api<{ pending: { files: { path: string; status: string }[] } | null }>('GET', `/api/sessions/${session.id}/changes`)).body;
    expect(changes.pending?.files).toEqual([expect.objectContaining({ path: 'b.txt', status: 'added' })]);
    // The env.project itself is untouched.
    await expect(writeFile(path.join(env.project.path, '.probe'), '')).resolves.toBeUndefined();
  });
});

describe('turn timeout', () => {
  it('aborts a turn that runs longer than the limit and ends it timed_out, keeping what was streamed', async () => {
    const short = await startTestServer({ env: { BOOCODE_NATIVE_BASE_URL: env.llm.url, BOOCODE_NATIVE_MODEL: 'fake-model', BOOCODE_NATIVE_API_KEY: 'k' }, worker: { turnTimeoutMs: 3_000 } });
    try {
      const p = (await short.api<Project>('POST', '/api/projects', { path: await makeGitRepo() })).body;
      const s = (await short.api<Session>('POST', '/api/sessions', { project_id: p.id, isolated: false })).body;
      const c = (await short.api<{ items: Chat[] }>('GET', `/api/sessions/${s.id}/chats`)).body.items[0]!;
      // The first words at once, then the provider goes quiet for good: only the turn timeout ends it.
      env.llm.push({ match: { lastUserIncludes: 'never ends' }, text: ['t0 ', 't1 ', 't2 '], stallAfter: 2 });
      const r = (await short.api<PostMessageResponse>('POST', `/api/chats/${c.id}/messages`, { content: 'never ends' })).body;
      let task: Task | null = null;
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((res) => setTimeout(res, 50))) {
        const t = (await short.api<Task>('GET', `/api/tasks/${r.task.id}`)).body;
        if (!['pending', 'running'].includes(t.status)) {
          task = t;
          break;
        }
      }
      expect(task?.status).toBe('timed_out');
      expect(task?.error).toMatch(/BOOCODE_TURN_TIMEOUT_MS/);
      const msg = (await short.api<MessagePage>('GET', `/api/chats/${c.id}/messages`)).body.items.find((m) => m.role === 'assistant')!;
      expect(msg.status).toBe('failed');
      expect(msg.content).toMatch(/^t0 /);
      expect(msg.content).not.toContain('t2');
    } finally {
      await short.close();
    }
  });
});
