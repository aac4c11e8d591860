import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import type { Chat, Message, MessagePage, PostMessageResponse, Project, Session, Task } from '@boocode/contracts';
import { fakeAcpBin, scratchDir, startFakeLlm, type FakeAcpScript, type FakeLlm } from '@boocode/testkit';
import { MAX_RESUMES } from '../src/db/tasks.js';
import { createTestDatabase, makeGitRepo, openStream, type ServeProcess, spawnServe, tokenApi, type TokenApi, until } from '@boocode/testkit/server';

/**
 * Turns that survive their server: killed (kill -9) or stopped (SIGTERM) mid-turn, the turn goes
 * on after the restart in the same assistant message, and nothing a tool already did runs again.
 */

let llm: FakeLlm;
const children: ServeProcess[] = [];
beforeAll(async () => {
  llm = await startFakeLlm({ fallback: { text: 'fallback answer' } });
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await llm?.close();
});

interface Server {
  proc: ServeProcess;
  api: TokenApi;
  token: string;
}

/** A `boocode serve` process on its own home and a shared database we can look into. */
async function serve(home: string, databaseUrl: string, env: Record<string, string>): Promise<Server> {
  const proc = await spawnServe(['--port', '0', '--home', home], {
    BOOCODE_NATIVE_BASE_URL: llm.url,
    BOOCODE_NATIVE_MODEL: 'fake',
    DATABASE_URL: databaseUrl,
    ...env,
  });
  children.push(proc);
  const token = JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8')).token as string;
  return { proc, api: tokenApi(proc.url, token), token };
}

async function setup(api: TokenApi, files: Record<string, string> = { 'a.txt': 'a\n' }) {
  const repo = await makeGitRepo(files);
  const project = (await api<Project>('POST', '/api/projects', { path: repo })).body;
  const session = (await api<Session>('POST', '/api/sessions', { project_id: project.id, isolated: false })).body;
  const chat = (await api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
  return { repo, session, chat };
}

const assistants = async (api: TokenApi, chatId: string): Promise<Message[]> =>
  (await api<MessagePage>('GET', `/api/chats/${chatId}/messages`)).body.items.filter((m) => m.role === 'assistant');

const taskWhen = (api: TokenApi, id: string, ok: (t: Task) => boolean, what: string) =>
  until(async () => {
    const t = (await api<Task>('GET', `/api/tasks/${id}`)).body;
    return ok(t) && t;
  }, what, 150_000);

/** Requests of one turn to the model, in order (they all carry the turn's user message last). */
const requestsOf = (prompt: string) => llm.requests.filter((r) => r.lastUserText.includes(prompt));

/** The tool results the model was shown in a request, by call id. */
function toolResults(prompt: string, request: number): Map<string, string> {
  const r = requestsOf(prompt)[request];
  if (!r) throw new Error(`no request ${request} for "${prompt}"`);
  return new Map(r.messages.filter((m) => m.role === 'tool').map((m) => [m.tool_call_id ?? '', typeof m.content === 'string' ? m.content : JSON.stringify(m.content)]));
}

describe('a native turn outlives its server', () => {
  // Each test has a database of its own: a server a failed test left running must not take the next test's turns.
  let db: string;
  let sql: postgres.Sql;
  beforeEach(async () => {
    db = await createTestDatabase();
    sql = postgres(db, { max: 1, onnotice: () => {} });
  });
  afterEach(() => sql?.end());

  it('kill -9 after a completed step: the turn continues from its journal; the finished command is not run again', { timeout: 240_000 }, async () => {
    const home = scratchDir('boocode-durable-');
    const first = await serve(home, db, { BOOCODE_LEASE_MS: '1500' });
    const { repo, chat } = await setup(first.api);
    const prompt = 'durable journal';
    llm.push(
      { match: { lastUserIncludes: prompt }, text: 'Counting first. ', toolCalls: [{ id: 'call_count', name: 'run_command', arguments: { command: 'sh', args: ['-c', 'echo run >> runs.txt; echo counted'] } }] },
      // The second step streams a little, then hangs: the server dies here.
      { match: { lastUserIncludes: prompt }, text: ['Half ', 'way ', 'there'], stallAfter: 1 },
      { match: { lastUserIncludes: prompt }, text: 'All done.' },
    );
    const posted = (await first.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: prompt })).body;
    // The first step is journaled, and the second has begun.
    await until(async () => (await sql`SELECT steps FROM turn_journals WHERE task_id = ${posted.task.id}`)[0]?.steps === 1, 'journaled step', 90_000);
    await until(async () => requestsOf(prompt).length === 2, 'second model request', 90_000);

    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    const second = await serve(home, db, { BOOCODE_LEASE_MS: '1500' });
    const done = await taskWhen(second.api, posted.task.id, (t) => t.status !== 'running' && t.status !== 'pending', 'continued turn');
    expect(done.status).toBe('completed');

    // One assistant message, carrying on where it was, marked as resumed.
    const [message, ...others] = await assistants(second.api, chat.id);
    expect(others).toHaveLength(0);
    expect(message!.status).toBe('complete');
    // The journaled step's text is kept; what the cut-off step had begun to say is said again.
    expect(message!.content).toBe('Counting first. All done.');
    expect(message!.metadata.resumed).toHaveLength(1);
    // The command ran once; the model was shown its stored result, not asked to run it again.
    expect(await readFile(path.join(repo, 'runs.txt'), 'utf8')).toBe('run\n');
    expect(requestsOf(prompt)).toHaveLength(3);
    expect(toolResults(prompt, 2).get('call_count')).toContain('counted');
    // The continued turn's transcript is kept for the next turn, and the journal is gone.
    expect(await sql`SELECT 1 FROM turn_journals WHERE task_id = ${posted.task.id}`).toHaveLength(0);
    expect(await sql`SELECT 1 FROM turn_transcripts WHERE message_id = ${message!.id}`).toHaveLength(1);
    await second.proc.stop();
  });

  it('kill -9 while a command runs: the model is told it was interrupted, and it is not run again behind its back', { timeout: 240_000 }, async () => {
    const home = scratchDir('boocode-durable-');
    const first = await serve(home, db, { BOOCODE_LEASE_MS: '1500' });
    const { repo, chat } = await setup(first.api);
    const prompt = 'durable inflight';
    llm.push(
      { match: { lastUserIncludes: prompt }, toolCalls: [{ id: 'call_slow', name: 'run_command', arguments: { command: 'sh', args: ['-c', 'echo run >> runs.txt; sleep 20'] } }] },
      { match: { lastUserIncludes: prompt }, text: 'I will not run it again.' },
    );
    const posted = (await first.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: prompt })).body;
    await until(async () => {
      try {
        return (await readFile(path.join(repo, 'runs.txt'), 'utf8')) === 'run\n';
      } catch {
        return false;
      }
    }, 'the command to start', 90_000);
    // Its trace is stored a moment after it starts (off the hot path): a crash before that loses the
    // call's record, and the turn then starts over.
    await until(async () => (await sql`SELECT 1 FROM tool_traces WHERE task_id = ${posted.task.id} AND tool_call_id = 'call_slow'`).length === 1, 'the call traced', 90_000);

    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    const second = await serve(home, db, { BOOCODE_LEASE_MS: '1500' });
    const done = await taskWhen(second.api, posted.task.id, (t) => t.status !== 'running' && t.status !== 'pending', 'continued turn');
    expect(done.status).toBe('completed');
    expect(toolResults(prompt, 1).get('call_slow')).toContain('interrupted: BooCode restarted while this tool was running');
    expect(await readFile(path.join(repo, 'runs.txt'), 'utf8')).toBe('run\n');
    const [message, ...others] = await assistants(second.api, chat.id);
    expect(others).toHaveLength(0);
    expect(message!.content).toBe('I will not run it again.');
    await second.proc.stop();
  });

  it('a turn already continued MAX_RESUMES times ends interrupted, its partial answer kept, instead of looping', { timeout: 240_000 }, async () => {
    const home = scratchDir('boocode-durable-');
    const first = await serve(home, db, { BOOCODE_LEASE_MS: '1500' });
    const { chat } = await setup(first.api);
    const prompt = 'durable cap';
    llm.push({ match: { lastUserIncludes: prompt }, text: ['Partly ', 'said ', 'and then'], stallAfter: 2 });
    const posted = (await first.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: prompt })).body;
    const partial = await until(async () => (await assistants(first.api, chat.id))[0]?.content.startsWith('Partly') && (await assistants(first.api, chat.id))[0]!.content, 'partial answer stored', 90_000);
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    // As if this turn had already killed its server three times.
    await sql`UPDATE tasks SET resumes = ${MAX_RESUMES} WHERE id = ${posted.task.id}`;

    const second = await serve(home, db, { BOOCODE_LEASE_MS: '1500' });
    const done = await taskWhen(second.api, posted.task.id, (t) => t.status !== 'running' && t.status !== 'pending', 'ended turn');
    expect(done).toMatchObject({ status: 'failed', error: 'interrupted' });
    const [message, ...others] = await assistants(second.api, chat.id);
    expect(others).toHaveLength(0);
    expect(message).toMatchObject({ status: 'failed', content: partial });
    expect(message!.metadata.interrupted).toBe(true);
    // The model was asked once: the capped turn was not sent again.
    expect(requestsOf(prompt)).toHaveLength(1);
    await second.proc.stop();
  });

  it('SIGTERM with a running turn: it is handed back at once and continues in the next server, not after the lease', { timeout: 240_000 }, async () => {
    const home = scratchDir('boocode-durable-');
    // A lease far longer than the test may take: only the hand-back lets the turn continue in time.
    const env = { BOOCODE_LEASE_MS: '600000', BOOCODE_SHUTDOWN_GRACE_MS: '200' };
    const first = await serve(home, db, env);
    const { session, chat } = await setup(first.api);
    const stream = await openStream(first.proc.url, session.id, { token: first.token });
    const prompt = 'durable sigterm';
    llm.push(
      { match: { lastUserIncludes: prompt }, text: ['one ', 'two ', 'three '], stallAfter: 4 },
      { match: { lastUserIncludes: prompt }, text: 'four.' },
    );
    const posted = (await first.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: prompt })).body;
    // (The first chunk only opens the assistant message.) The last delta before the model hangs has reached a client: stop the server right then.
    await stream.waitFor((f) => f.type === 'message_delta' && f.text === 'three ', 90_000);
    first.proc.child.kill('SIGTERM');
    expect((await first.proc.exited).code).toBe(0);
    const [row] = await sql<{ status: string; lease_owner: string | null; content: string }[]>`
      SELECT t.status, t.lease_owner, m.content FROM tasks t JOIN messages m ON m.task_id = t.id AND m.role = 'assistant' WHERE t.id = ${posted.task.id}`;
    // Handed back, with everything clients had seen stored.
    expect(row).toEqual({ status: 'pending', lease_owner: null, content: 'one two three ' });

    const second = await serve(home, db, env);
    const done = await taskWhen(second.api, posted.task.id, (t) => t.status === 'completed' || t.status === 'failed', 'continued turn');
    expect(done.status).toBe('completed');
    const [message, ...others] = await assistants(second.api, chat.id);
    expect(others).toHaveLength(0);
    // Text only, nothing journaled: the answer is said again rather than appended to.
    expect(message!.content).toBe('four.');
    expect(message!.metadata.resumed).toHaveLength(1);
    await second.proc.stop();
  });
});

describe('an external agent turn outlives its server', () => {
  let dir: string;
  let home: string;
  let db: string;
  beforeAll(async () => {
    dir = scratchDir('boocode-durable-acp-');
    db = await createTestDatabase();
    const scriptFor = (name: string, loadSession: boolean): string => {
      const file = path.join(dir, `${name}.json`);
      const script: FakeAcpScript = {
        capabilities: { loadSession, resume: false, image: true },
        stateFile: path.join(dir, `${name}-state.json`),
        logFile: path.join(dir, `${name}-log.jsonl`),
        turns: [
          { match: 'long job', steps: [{ text: 'Working on it. ' }, { delayMs: 120_000 }, { text: 'never' }] },
          { match: 'BooCode restarted', steps: [{ text: 'Picked it up again.' }] },
        ],
      };
      writeFileSync(file, JSON.stringify(script));
      return file;
    };
    const agent = (name: string, loadSession: boolean) => ({ command: fakeAcpBin, args: ['--script', scriptFor(name, loadSession)], kind: 'acp' });
    home = scratchDir('boocode-durable-acp-home-');
    const secret = () => randomBytes(32).toString('base64url');
    writeFileSync(
      path.join(home, 'config.json'),
      JSON.stringify({ token: secret(), pg_password: secret(), agents: { loader: agent('loader', true), forgetful: agent('forgetful', false) } }),
      { mode: 0o600 },
    );
  });

  const requestsTo = (name: string) =>
    readFileSync(path.join(dir, `${name}-log.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { method: string; params: Record<string, unknown> });

  async function crashMidTurn(agent: string): Promise<{ server: Server; chatId: string; taskId: string }> {
    const first = await serve(home, db, { BOOCODE_LEASE_MS: '1500' });
    const repo = await makeGitRepo({ 'a.txt': 'a\n' });
    const project = (await first.api<Project>('POST', '/api/projects', { path: repo })).body;
    const session = (await first.api<Session>('POST', '/api/sessions', { project_id: project.id, isolated: false, agent })).body;
    const chat = (await first.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
    const posted = (await first.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'long job' })).body;
    await until(async () => (await assistants(first.api, chat.id))[0]?.content === 'Working on it. ', 'partial answer stored', 60_000);
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    const server = await serve(home, db, { BOOCODE_LEASE_MS: '1500' });
    return { server, chatId: chat.id, taskId: posted.task.id };
  }

  it('with a resumable session (session/load), the agent is asked to continue in the same message', { timeout: 240_000 }, async () => {
    const { server, chatId, taskId } = await crashMidTurn('loader');
    const done = await taskWhen(server.api, taskId, (t) => t.status !== 'running' && t.status !== 'pending', 'continued turn');
    expect(done.status).toBe('completed');
    const [message, ...others] = await assistants(server.api, chatId);
    expect(others).toHaveLength(0);
    expect(message!.content).toBe('Working on it. Picked it up again.');
    expect(message!.metadata.resumed).toHaveLength(1);
    const log = requestsTo('loader');
    const created = log.find((r) => r.method === 'session/new');
    const loaded = log.find((r) => r.method === 'session/load');
    expect(loaded).toBeDefined();
    const prompts = log.filter((r) => r.method === 'session/prompt');
    expect(prompts).toHaveLength(2);
    expect(JSON.stringify(prompts[1]!.params)).toContain('BooCode restarted while you were working');
    expect(created).toBeDefined();
    await server.proc.stop();
  });

  it('without one, the turn ends interrupted instead of starting over blind', { timeout: 240_000 }, async () => {
    const { server, chatId, taskId } = await crashMidTurn('forgetful');
    const done = await taskWhen(server.api, taskId, (t) => t.status !== 'running' && t.status !== 'pending', 'ended turn');
    expect(done).toMatchObject({ status: 'failed', error: 'interrupted' });
    const [message, ...others] = await assistants(server.api, chatId);
    expect(others).toHaveLength(0);
    expect(message).toMatchObject({ status: 'failed', content: 'Working on it. ' });
    expect(message!.metadata.interrupted).toBe(true);
    expect(requestsTo('forgetful').filter((r) => r.method === 'session/prompt')).toHaveLength(1);
    await server.proc.stop();
  });
});
