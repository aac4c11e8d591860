import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import type { Chat, Message, MessagePage, PostMessageResponse, Project, Session, Task } from '@boocode/contracts';
import { scratchDir, startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { createTestDatabase, makeGitRepo, type ServeProcess, spawnServe, startTestServer, type TestServer, tokenApi, type TokenApi, until } from '@boocode/testkit/server';

let llm: FakeLlm;
const children: ServeProcess[] = [];
beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: ['fallback ', 'answer'], chunkDelayMs: 5 } });
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await llm?.close();
});

async function setup(api: TokenApi) {
  const project = (await api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
  const session = (await api<Session>('POST', '/api/sessions', { project_id: project.id, isolated: false })).body;
  const chat = (await api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
  return { project, session, chat };
}

const childEnv = () => ({ BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake', BOOCODE_LEASE_MS: '1500' });

/** kill -9 the server, start it again on the same home, and talk to the new one. */
async function crashAndRestart(first: ServeProcess, home: string, token: string): Promise<{ second: ServeProcess; api: TokenApi }> {
  first.child.kill('SIGKILL');
  await first.exited;
  const second = await spawnServe(['--port', '0', '--home', home], childEnv());
  children.push(second);
  return { second, api: tokenApi(second.url, token) };
}

/** Polls a task through `api` until `ok` holds for it. */
const taskWhen = (api: TokenApi, id: string, ok: (t: Task) => boolean, what: string, timeoutMs: number) =>
  until(async () => {
    const t = (await api<Task>('GET', `/api/tasks/${id}`)).body;
    return ok(t) && t;
  }, what, timeoutMs);

describe('crash recovery of a running turn', () => {
  it('kill -9 mid-turn: the turn continues after the restart in its partial message; the session keeps working', async () => {
    const home = scratchDir('boocode-crash-turn-');
    const first = await spawnServe(['--port', '0', '--home', home], childEnv());
    children.push(first);
    const token = JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8')).token as string;
    let api = tokenApi(first.url, token);
    const { session, chat } = await setup(api);
    llm.push(
      { match: { lastUserIncludes: 'crash me' }, text: Array.from({ length: 200 }, (_, i) => `t${i} `), chunkDelayMs: 50 },
      { match: { lastUserIncludes: 'crash me' }, text: 'and the rest.' },
    );
    const posted = (await api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'crash me' })).body;
    // Wait until streamed text has reached the database (coalesced writes), then crash.
    await until(async () => {
      const page = (await api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body;
      return page.items.find((m) => m.role === 'assistant' && m.content.length > 10);
    }, 'partial content', 20_000);
    const { second, api: restarted } = await crashAndRestart(first, home, token);
    api = restarted;
    const task = await taskWhen(api, posted.task.id, (t) => t.status !== 'running' && t.status !== 'pending', 'continued task', 30_000);
    expect(task.status).toBe('completed');
    const [message, ...others] = (await api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.filter((m: Message) => m.role === 'assistant');
    expect(others).toHaveLength(0);
    expect(message!.status).toBe('complete');
    expect(message!.metadata.resumed).toHaveLength(1);
    // Nothing of it was journaled (text only): it is said again from the start, not appended to.
    expect(message!.content).toBe('and the rest.');
    // Finished while nobody watched: every browser's sidebar says so until someone looks.
    expect((await api<Session>('GET', `/api/sessions/${session.id}`)).body.attention).toBe('finished');

    const next = (await api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'are you back?' })).body;
    const done = await taskWhen(api, next.task.id, (t) => t.status === 'completed', 'next turn', 15_000);
    expect(done.output_summary).toBe('fallback answer');
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('kill -9 before the agent said anything: the task is queued again and runs after restart', async () => {
    const home = scratchDir('boocode-crash-early-');
    const first = await spawnServe(['--port', '0', '--home', home], childEnv());
    children.push(first);
    const token = JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8')).token as string;
    let api = tokenApi(first.url, token);
    const { chat } = await setup(api);
    // First attempt: the model is silent for a long time; the retry gets a normal answer.
    llm.push({ match: { lastUserIncludes: 'early crash' }, text: 'too late', chunkDelayMs: 60_000 }, { match: { lastUserIncludes: 'early crash' }, text: 'second attempt' });
    const posted = (await api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'early crash' })).body;
    await until(async () => (await api<Task>('GET', `/api/tasks/${posted.task.id}`)).body.status === 'running', 'running', 10_000);
    await until(async () => llm.requests.some((r) => r.lastUserText?.includes('early crash')), 'llm request', 10_000);
    const { second, api: restarted } = await crashAndRestart(first, home, token);
    api = restarted;
    const task = await taskWhen(api, posted.task.id, (t) => ['completed', 'failed'].includes(t.status), 'retried task', 20_000);
    expect(task.status).toBe('completed');
    expect(task.attempts).toBe(2);
    const assistants = (await api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.filter((m: Message) => m.role === 'assistant');
    expect(assistants.map((m) => m.content)).toEqual(['second attempt']);
    second.child.kill('SIGTERM');
    await second.exited;
  });
});

describe('two worker processes on one database', () => {
  let server: TestServer;
  let dbUrl: string;
  beforeAll(async () => {
    dbUrl = await createTestDatabase();
    server = await startTestServer({ databaseUrl: dbUrl, env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake' }, worker: { concurrency: 3 } });
  });
  afterAll(() => server?.close());

  it('never runs a task twice or two turns of one session at once, and both workers take work', async () => {
    const other = await spawnServe(['--port', '0', '--home', scratchDir('boocode-w2-')], {
      ...childEnv(),
      DATABASE_URL: dbUrl,
      BOOCODE_CONCURRENCY: '3',
      // Nothing crashes here: a short lease would only let a busy machine's late renewal hand a turn over.
      BOOCODE_LEASE_MS: '30000',
    });
    children.push(other);
    const api: TokenApi = (m, u, b) => server.api(m, u, b);
    const project = (await api<Project>('POST', '/api/projects', { path: await makeGitRepo() })).body;
    const chats: Chat[] = [];
    for (let i = 0; i < 6; i++) {
      const s = (await api<Session>('POST', '/api/sessions', { project_id: project.id, isolated: false })).body;
      chats.push((await api<{ items: Chat[] }>('GET', `/api/sessions/${s.id}/chats`)).body.items[0]!);
    }
    for (let i = 0; i < 24; i++) llm.push({ match: { lastUserIncludes: `job ${i}:` }, text: ['a', 'b', 'c'], chunkDelayMs: 30 });
    const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
    let overlaps = 0;
    let polling = true;
    const watcher = (async () => {
      while (polling) {
        const rows = await sql`SELECT session_id FROM tasks WHERE status = 'running' GROUP BY session_id HAVING count(*) > 1`;
        overlaps += rows.length;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const tasks: string[] = [];
    for (let i = 0; i < 24; i++) tasks.push((await api<PostMessageResponse>('POST', `/api/chats/${chats[i % 6]!.id}/messages`, { content: `job ${i}: go` })).body.task.id);
    await until(async () => {
      const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM tasks WHERE id = ANY(${tasks}::uuid[]) AND status = 'completed'`;
      return row!.n === 24;
    }, 'all tasks', 60_000);
    polling = false;
    await watcher;
    const perTask = await sql<{ task_id: string; n: number; workers: string[] }[]>`
      SELECT task_id, count(*)::int AS n, array_agg(DISTINCT metadata->>'worker') AS workers
      FROM messages WHERE role = 'assistant' AND task_id = ANY(${tasks}::uuid[]) GROUP BY task_id`;
    expect(perTask).toHaveLength(24);
    expect(perTask.every((r) => r.n === 1)).toBe(true);
    const workers = new Set(perTask.flatMap((r) => r.workers));
    expect(workers.size).toBe(2);
    expect(overlaps).toBe(0);
    const attempts = await sql<{ attempts: number }[]>`SELECT attempts FROM tasks WHERE id = ANY(${tasks}::uuid[])`;
    expect(attempts.every((a) => a.attempts === 1)).toBe(true);
    // Per session, turns ran in the order they were asked for.
    const order = await sql<{ session_id: string; ok: boolean }[]>`
      SELECT session_id, array_agg(id ORDER BY created_at) = array_agg(id ORDER BY started_at) AS ok
      FROM tasks WHERE id = ANY(${tasks}::uuid[]) GROUP BY session_id`;
    expect(order.every((o) => o.ok)).toBe(true);
    await sql.end();
    other.child.kill('SIGTERM');
    await other.exited;
  });
});
