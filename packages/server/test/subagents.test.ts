import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat, ErrorBody, Message, MessagePage, PostMessageResponse, Project, Session, SessionDiff, Subagent, SubagentList, SubagentResult, Task, TracePage } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo, startTestServer, type TestServer, until } from '@boocode/testkit/server';
import { nativeEnv } from './agents-env.js';

let llm: FakeLlm;
let server: TestServer;
/** Small limits, to hit them. */
let tight: TestServer;


beforeAll(async () => {
  llm = await startFakeLlm();
  server = await startTestServer({ env: nativeEnv(llm), writeIntervalMs: 50 });
  tight = await startTestServer({
    env: { ...nativeEnv(llm), BOOCODE_SUBAGENTS_RUNNING: '2', BOOCODE_SUBAGENTS_PER_TURN: '3', BOOCODE_SUBAGENT_DEPTH: '1' },
    writeIntervalMs: 50,
  });
});
afterAll(async () => {
  await server?.close();
  await tight?.close();
  await llm?.close();
});

const ENDED = ['completed', 'failed', 'cancelled', 'timed_out'];

async function sessionOn(s: TestServer, patch: Partial<Session> = {}): Promise<{ session: Session; chat: Chat }> {
  const project = (await s.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'alpha\n' }) })).body;
  let session = (await s.api<Session>('POST', '/api/sessions', { project_id: project.id })).body;
  if (Object.keys(patch).length) session = (await s.api<Session>('PATCH', `/api/sessions/${session.id}`, patch)).body;
  const chat = (await s.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
  return { session, chat };
}

const post = async (s: TestServer, chatId: string, content: string) =>
  (await s.api<PostMessageResponse>('POST', `/api/chats/${chatId}/messages`, { content })).body.task;

const taskEnd = (s: TestServer, id: string) =>
  until(async () => {
    const t = (await s.api<Task>('GET', `/api/tasks/${id}`)).body;
    return ENDED.includes(t.status) && t;
  }, `task ${id} to end`);

const subagentsOf = async (s: TestServer, sessionId: string) => (await s.api<SubagentList>('GET', `/api/sessions/${sessionId}/subagents`)).body.items;

const messagesOf = async (s: TestServer, chatId: string): Promise<Message[]> => (await s.api<MessagePage>('GET', `/api/chats/${chatId}/messages?limit=200`)).body.items;

describe('background subagents of the native agent', () => {
  it('spawns three children in parallel, polls them and collects their results in the same turn', async () => {
    const { session, chat } = await sessionOn(server);
    const spawn = (n: string) => ({ name: 'spawn_subagent', arguments: { prompt: `child task ${n}`, label: `child ${n}` } });
    llm.push(
      { match: { lastUserIncludes: 'fan out' }, toolCalls: [spawn('A'), spawn('B'), spawn('C')] },
      { match: { lastUserIncludes: 'child task A' }, text: 'answer from A' },
      { match: { lastUserIncludes: 'child task B' }, text: 'answer from B' },
      { match: { lastUserIncludes: 'child task C' }, text: 'answer from C' },
      { match: { lastUserIncludes: 'fan out' }, toolCalls: [{ name: 'subagent_status', arguments: { id: '{{tool_uuid:0}}' } }, { name: 'list_subagents' }] },
      {
        match: { lastUserIncludes: 'fan out' },
        toolCalls: [0, 1, 2].map((i) => ({ name: 'subagent_result', arguments: { id: `{{tool_uuid:${i}}}`, wait_seconds: 120 } })),
      },
      { match: { lastUserIncludes: 'fan out' }, text: 'all three answered' },
    );
    const parent = await post(server, chat.id, 'fan out');
    expect((await taskEnd(server, parent.id)).status).toBe('completed');

    const children = await subagentsOf(server, session.id);
    expect(children).toHaveLength(3);
    for (const c of children) {
      expect(c.parent_task_id).toBe(parent.id);
      expect(c.depth).toBe(1);
      expect(c.isolation).toBe('worktree');
      expect(c.status).toBe('completed');
      expect(c.chat_id).not.toBe(chat.id);
      expect(c.spawn_tool_call_id).toMatch(/^call_/);
    }
    expect(new Set(children.map((c) => c.chat_id)).size).toBe(3);
    // The results reached the parent's model in the same turn.
    const last = llm.requests.filter((r) => r.lastUserText === 'fan out').at(-1)!;
    const toolResults = last.messages.filter((m) => m.role === 'tool').map((m) => JSON.stringify(m.content));
    for (const n of ['A', 'B', 'C']) expect(toolResults.some((t) => t.includes(`answer from ${n}`))).toBe(true);
    // Each child's transcript is its own chat.
    const childMessages = await messagesOf(server, children[0]!.chat_id);
    expect(childMessages.map((m) => m.role)).toEqual(['user', 'assistant']);
    // Collected in the turn: no notice, no follow-up turn.
    expect((await messagesOf(server, chat.id)).filter((m) => m.role === 'system')).toHaveLength(0);
    const result = (await server.api<SubagentResult>('GET', `/api/subagents/${children[0]!.id}`)).body;
    expect(result.text).toMatch(/^answer from [ABC]$/);
  });

  it('a child that finishes after its parent turn ended: a notice and a follow-up turn hand the result over', async () => {
    const { session, chat } = await sessionOn(server);
    llm.push(
      { match: { lastUserIncludes: 'start late' }, toolCalls: [{ name: 'spawn_subagent', arguments: { prompt: 'late child', label: 'late', isolation: 'shared' } }] },
      { match: { lastUserIncludes: 'start late' }, text: 'started it' },
    );
    const parent = await post(server, chat.id, 'start late');
    expect((await taskEnd(server, parent.id)).status).toBe('completed');
    const [child] = await subagentsOf(server, session.id);
    expect(child!.isolation).toBe('shared');
    // The child answers only now, after the parent's turn.
    llm.push(
      { match: { lastUserIncludes: 'late child' }, text: 'the late answer' },
      { match: { lastUserIncludes: 'subagent-result' }, text: 'thanks for the result' },
    );
    const followUp = await until(async () => {
      const msgs = await messagesOf(server, chat.id);
      return msgs.find((m) => m.role === 'user' && m.content.includes('<subagent-result'));
    }, 'the follow-up turn');
    expect(followUp.content).toContain('the late answer');
    expect(followUp.content).toContain('[System note from BooCode');
    expect(followUp.metadata.subagent_results).toEqual([child!.id]);
    expect((await taskEnd(server, followUp.task_id!)).status).toBe('completed');
    const notice = (await messagesOf(server, chat.id)).find((m) => m.role === 'system');
    expect(notice?.content).toBe('Background "late" completed.');
  });

  it('with the follow-up setting off, the session gets the notice only', async () => {
    const { session, chat } = await sessionOn(server, { subagent_followup: false });
    expect(session.subagent_followup).toBe(false);
    llm.push(
      { match: { lastUserIncludes: 'quiet spawn' }, toolCalls: [{ name: 'spawn_subagent', arguments: { prompt: 'quiet child', isolation: 'shared' } }] },
      { match: { lastUserIncludes: 'quiet spawn' }, text: 'ok' },
    );
    const parent = await post(server, chat.id, 'quiet spawn');
    await taskEnd(server, parent.id);
    // The parent's end was seen; the child ending later flags the session for its user again.
    expect((await server.api<Session>('POST', `/api/sessions/${session.id}/seen`)).body.attention).toBeNull();
    llm.push({ match: { lastUserIncludes: 'quiet child' }, text: 'quiet answer' });
    const notice = await until(async () => (await messagesOf(server, chat.id)).find((m) => m.role === 'system'), 'the notice');
    expect(notice.content).toBe('Background subagent completed.');
    expect((await server.api<Session>('GET', `/api/sessions/${session.id}`)).body.attention).toBe('finished');
    const tasks = (await server.api<{ items: Task[] }>('GET', `/api/sessions/${session.id}/tasks`)).body.items;
    // The parent and its child only: no follow-up turn.
    expect(tasks).toHaveLength(2);
  });
});

describe('subagent limits and cancellation', () => {
  it('refuses a spawn past the running, per-turn and depth limits, naming the setting', async () => {
    const { session, chat } = await sessionOn(tight);
    // Children that stall keep running; the parent waits on the first one.
    llm.push(
      {
        match: { lastUserIncludes: 'too many' },
        toolCalls: [1, 2, 3].map((n) => ({ name: 'spawn_subagent', arguments: { prompt: `stalled child ${n}`, isolation: 'shared' } })),
      },
      { match: { lastUserIncludes: 'stalled child' }, stallAfter: 0, text: 'never' },
      { match: { lastUserIncludes: 'stalled child' }, stallAfter: 0, text: 'never' },
      { match: { lastUserIncludes: 'too many' }, toolCalls: [{ name: 'subagent_result', arguments: { id: '{{tool_uuid:0}}', wait_seconds: 600 } }] },
    );
    const parent = await post(tight, chat.id, 'too many');
    const children = await until(async () => {
      const all = await subagentsOf(tight, session.id);
      return all.length === 2 && all.every((c) => c.status === 'running') && all;
    }, 'two running children');
    // The third spawn was refused, and the model was told why.
    const refusal = await until(
      async () => llm.requests.find((r) => r.lastUserText === 'too many' && r.messages.some((m) => m.role === 'tool')),
      'the second request of the parent',
    );
    const toolTexts = refusal.messages.filter((m) => m.role === 'tool').map((m) => JSON.stringify(m.content));
    expect(toolTexts.filter((t) => t.includes('BOOCODE_SUBAGENTS_RUNNING=2'))).toHaveLength(1);

    // Through the API, the same limits hold; bad input is a 400 naming the field.
    const more = await tight.api<{ error: string; message: string }>('POST', `/api/tasks/${parent.id}/subagents`, { prompt: 'one more', isolation: 'shared' });
    expect(more.status).toBe(409);
    expect(more.body.error).toBe('subagent_limit');
    expect(more.body.message).toContain('BOOCODE_SUBAGENTS_RUNNING');
    const deep = await tight.api<{ error: string; message: string }>('POST', `/api/tasks/${children[0]!.id}/subagents`, { prompt: 'grandchild' });
    expect(deep.status).toBe(409);
    expect(deep.body.message).toContain('BOOCODE_SUBAGENT_DEPTH');
    const empty = await tight.api<{ error: string; message: string }>('POST', `/api/tasks/${parent.id}/subagents`, { prompt: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toContain('prompt');
    const badIsolation = await tight.api<{ error: string }>('POST', `/api/tasks/${parent.id}/subagents`, { prompt: 'x', isolation: 'elsewhere' });
    expect(badIsolation.status).toBe(400);
    expect((await tight.api('POST', `/api/tasks/00000000-0000-4000-8000-000000000000/subagents`, { prompt: 'x' })).status).toBe(404);
    expect((await tight.api('GET', `/api/subagents/${parent.id}`)).status).toBe(404);

    // Cancelling the parent cancels its running children.
    expect((await tight.api('POST', `/api/tasks/${parent.id}/cancel`)).status).toBe(200);
    expect((await taskEnd(tight, parent.id)).status).toBe('cancelled');
    for (const c of children) expect((await taskEnd(tight, c.id)).status).toBe('cancelled');
    // A cancelled parent gets a notice but no follow-up turn.
    const tasks = (await tight.api<{ items: Task[] }>('GET', `/api/sessions/${session.id}/tasks`)).body.items;
    expect(tasks.filter((t) => !children.some((c) => c.id === t.id) && t.id !== parent.id)).toHaveLength(0);
  });

  it('counts every child of a turn against the per-turn limit, finished ones too', async () => {
    const { session, chat } = await sessionOn(tight, { subagent_followup: false });
    llm.push({ match: { lastUserIncludes: 'host turn' }, text: 'done' });
    const parent = await post(tight, chat.id, 'host turn');
    await taskEnd(tight, parent.id);
    for (const n of [1, 2, 3]) {
      llm.push({ match: { lastUserIncludes: `quick child ${n}` }, text: `quick ${n}` });
      const spawned = await tight.api<Subagent>('POST', `/api/tasks/${parent.id}/subagents`, { prompt: `quick child ${n}`, isolation: 'shared' });
      expect(spawned.status).toBe(201);
      await taskEnd(tight, spawned.body.id);
    }
    const fourth = await tight.api<{ error: string; message: string }>('POST', `/api/tasks/${parent.id}/subagents`, { prompt: 'fourth', isolation: 'shared' });
    expect(fourth.status).toBe(409);
    expect(fourth.body.message).toContain('BOOCODE_SUBAGENTS_PER_TURN=3');
    expect(await subagentsOf(tight, session.id)).toHaveLength(3);
  });

  it('archiving the session cancels its running children', async () => {
    const { session, chat } = await sessionOn(tight, { subagent_followup: false });
    llm.push({ match: { lastUserIncludes: 'archive host' }, text: 'done' });
    const parent = await post(tight, chat.id, 'archive host');
    await taskEnd(tight, parent.id);
    llm.push({ match: { lastUserIncludes: 'archived child' }, stallAfter: 0, text: 'never' });
    const child = (await tight.api<Subagent>('POST', `/api/tasks/${parent.id}/subagents`, { prompt: 'archived child', isolation: 'shared' })).body;
    await until(async () => (await tight.api<Task>('GET', `/api/tasks/${child.id}`)).body.status === 'running', 'the child to run');
    expect((await tight.api('POST', `/api/sessions/${session.id}/archive`, {})).status).toBe(200);
    expect((await taskEnd(tight, child.id)).status).toBe('cancelled');
  });
});

describe("a subagent's diff and its place in the traces", () => {
  it('diffs a child in its own worktree against the commit it was cut from; a shared child and unknown ids are refused readably', async () => {
    const { session, chat } = await sessionOn(server);
    llm.push(
      {
        match: { lastUserIncludes: 'delegate edits' },
        toolCalls: [
          { name: 'spawn_subagent', arguments: { prompt: 'write the note file', label: 'writer' } },
          { name: 'spawn_subagent', arguments: { prompt: 'look around only', label: 'looker', isolation: 'shared' } },
        ],
      },
      { match: { lastUserIncludes: 'write the note file' }, toolCalls: [{ name: 'write_file', arguments: { path: 'note.txt', content: 'from the child\n' } }] },
      { match: { lastUserIncludes: 'write the note file' }, text: 'wrote it' },
      { match: { lastUserIncludes: 'look around only' }, text: 'looked' },
      {
        match: { lastUserIncludes: 'delegate edits' },
        toolCalls: [0, 1].map((i) => ({ name: 'subagent_result', arguments: { id: `{{tool_uuid:${i}}}`, wait_seconds: 120 } })),
      },
      { match: { lastUserIncludes: 'delegate edits' }, text: 'both done' },
    );
    const parent = await post(server, chat.id, 'delegate edits');
    expect((await taskEnd(server, parent.id)).status).toBe('completed');
    const children = await subagentsOf(server, session.id);
    const writer = children.find((c) => c.label === 'writer')!;
    const looker = children.find((c) => c.label === 'looker')!;

    const diff = await server.api<SessionDiff>('GET', `/api/subagents/${writer.id}/diff`);
    expect(diff.status).toBe(200);
    expect(diff.body.files.map((f) => f.path)).toEqual(['note.txt']);
    expect(diff.body.patch).toContain('+from the child');
    expect(diff.body.base_commit).toMatch(/^[0-9a-f]{40}$/);
    // The child's edit stayed in its own worktree: the session's diff does not have it.
    const sessionDiff = (await server.api<SessionDiff | null>('GET', `/api/sessions/${session.id}/diff`)).body;
    expect(sessionDiff?.files.map((f) => f.path) ?? []).not.toContain('note.txt');

    const shared = await server.api<ErrorBody>('GET', `/api/subagents/${looker.id}/diff`);
    expect(shared.status).toBe(409);
    expect(shared.body.error).toBe('no_worktree');
    expect(shared.body.message).toMatch(/session's worktree/);
    // The parent turn is a task but no subagent; a malformed id is not found either.
    expect((await server.api<ErrorBody>('GET', `/api/subagents/${parent.id}/diff`)).status).toBe(404);
    expect((await server.api<ErrorBody>('GET', '/api/subagents/not-an-id/diff')).status).toBe(404);

    // Each spawning call names the child it spawned, so the trace tree nests the child's turn under it.
    const traces = (await server.api<TracePage>('GET', `/api/chats/${chat.id}/traces`)).body.items;
    const spawns = traces.filter((t) => t.tool_name === 'spawn_subagent');
    expect(spawns).toHaveLength(2);
    expect(spawns.map((t) => t.subagent_ids)).toEqual([[writer.id], [looker.id]]);
    expect(spawns.map((t) => t.tool_call_id)).toEqual([writer.spawn_tool_call_id, looker.spawn_tool_call_id]);
    expect(traces.filter((t) => t.tool_name === 'subagent_result').every((t) => t.subagent_ids?.length === 0)).toBe(true);
  });

  it('refuses the diff without the token', async () => {
    const res = await server.api('GET', '/api/subagents/00000000-0000-4000-8000-000000000000/diff', undefined, { token: null });
    expect(res.status).toBe(401);
  });
});
