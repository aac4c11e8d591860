import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Chat, Message, MessagePage, Permission, PostMessageResponse, Project, Session } from '@boocode/contracts';
import { fakeAcpBin, removeScratch, scratchDir, startFakeLlm, type FakeAcpScript, type FakeLlm } from '@boocode/testkit';
import { makeGitRepo, openStream, postmastersFor, spawnServe, spawnWorker, type ServeProcess, type StreamClient, type WorkerProcess } from '@boocode/testkit/server';

/**
 * Server A serves HTTP with no worker (`serve --no-worker`); worker B (`boocode worker`, same
 * home, so the same embedded database) runs every turn. A's clients must see B's turns live.
 */

const WORDS = Array.from({ length: 3000 }, (_, i) => `w${i} `);
const acpScript: FakeAcpScript = {
  turns: [
    {
      match: 'edit with permission',
      steps: [
        { tool: { id: 'edit-1', title: 'Edit notes.txt', kind: 'edit', input: { path: 'notes.txt' }, permission: true, output: 'edited' } },
        { text: 'After the answer.' },
      ],
    },
  ],
};

let llm: FakeLlm;
let home: string;
let token: string;
let a: ServeProcess;
let b: WorkerProcess;
let project: Project;
const temp: string[] = [];
const others: WorkerProcess[] = [];

async function api<T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(a.url + url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function newChat(body: Record<string, unknown>): Promise<{ session: Session; chat: Chat }> {
  const session = (await api<Session>('POST', '/api/sessions', { project_id: project.id, ...body })).body;
  const chat = (await api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
  return { session, chat };
}

beforeAll(async () => {
  llm = await startFakeLlm({ script: [{ match: { lastUserIncludes: 'long answer' }, text: WORDS, chunkDelayMs: 1 }], fallback: { text: 'ok' } });
  home = scratchDir('boocode-two-');
  token = randomBytes(32).toString('base64url');
  const scriptFile = path.join(home, 'acp-script.json');
  await writeFile(scriptFile, JSON.stringify(acpScript));
  await writeFile(
    path.join(home, 'config.json'),
    JSON.stringify({
      token,
      pg_password: randomBytes(16).toString('hex'),
      native: { baseURL: llm.url, model: 'fake-model', apiKey: 'k' },
      agents: { fake: { command: fakeAcpBin, args: ['--script', scriptFile], kind: 'acp' } },
    }),
    { mode: 0o600 },
  );
  a = await spawnServe(['--port', '0', '--home', home, '--no-worker']);
  b = await spawnWorker(['--home', home]);
  project = (await api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'notes.txt': 'one\n' }) })).body;
});

afterAll(async () => {
  for (const p of [...others, b, a]) if (p?.child.exitCode === null) p.child.kill('SIGKILL');
  // After a failure A may have left its postmaster behind.
  const dataDir = a ? /embedded PostgreSQL \((.+)\)/.exec(a.stdout())?.[1] : undefined;
  if (dataDir) {
    for (const pid of postmastersFor(dataDir)) process.kill(pid, 'SIGINT');
    for (let i = 0; i < 100 && postmastersFor(dataDir).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  }
  await llm?.close();
  for (const dir of [...temp, home]) if (dir) removeScratch(dir);
});

const isEnd = (f: Record<string, unknown>) => f.type === 'task_state' && f.status === 'completed';
const opening = (f: Record<string, unknown>) => f.type === 'snapshot' || f.type === 'agent_snapshot';

describe('server A (no worker) and worker B on one database', () => {
  it('says what each process is', () => {
    expect(a.stdout()).toContain('turns:                   run by `boocode worker` processes (--no-worker)');
    expect(b.stdout()).toContain(`data directory: ${home}`);
  });

  it('a client of A gets every frame of the turn B runs, once and in seq order, across 100 random reconnects', async () => {
    const { session, chat } = await newChat({ agent: 'native', isolated: false });
    let c: StreamClient = await openStream(a.url, session.id, { token });
    await c.waitFor((f) => f.type === 'agent_snapshot');
    const start = c.frames[0]!.seq as number;
    let lastSeq = start;
    const received: Record<string, unknown>[] = [];
    const events = await openStream(a.url, null, { token });
    await events.waitFor((f) => f.type === 'snapshot');
    const posted = await api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'a long answer please' });
    expect(posted.status).toBe(201);
    let ended = false;
    for (let cycle = 0; cycle <= 100; cycle++) {
      if (cycle > 0) c = await openStream(a.url, session.id, { token, afterSeq: lastSeq });
      if (!ended) {
        // Leave after a random number of new frames (or at the end of the turn).
        const want = 1 + Math.floor(Math.random() * 20);
        let seen = 0;
        await c.waitFor((f) => isEnd(f) || (!opening(f) && ++seen >= want), 30_000);
      }
      if (Math.random() < 0.5) c.ws.terminate();
      else c.ws.close();
      await c.closed;
      for (const f of c.frames) {
        if (opening(f)) {
          expect(f.reason ?? 'connect').not.toBe('too_far_behind');
          continue;
        }
        received.push(f);
        lastSeq = f.seq as number;
        ended ||= isEnd(f);
      }
    }
    if (!ended) {
      const tail = await openStream(a.url, session.id, { token, afterSeq: lastSeq });
      await tail.waitFor(isEnd, 60_000);
      tail.close();
      received.push(...tail.frames.filter((f) => !opening(f)));
    }
    const seqs = received.map((f) => f.seq as number);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, k) => start + 1 + k));
    const started = received.find((f) => f.type === 'message_started')!;
    expect(started).toMatchObject({ role: 'assistant', task_id: posted.body.task.id, agent: 'native' });
    const text = received.filter((f) => f.type === 'message_delta' && f.message_id === started.message_id).map((f) => f.text).join('');
    expect(text).toBe(WORDS.join(''));
    expect(received.filter((f) => f.type === 'message_complete')).toHaveLength(1);
    // B ran it, and what it stored is what A's client saw.
    const stored = (await api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body.items.find((m: Message) => m.id === started.message_id)!;
    expect(stored.metadata.worker).toBe(b.workerId);
    expect(stored.content).toBe(text);
    // A's user stream carried the task's states and activity: A's `pending`, and B's, in order.
    // (A publishes `pending` after its insert commits, B may have claimed the task by then: the two
    // processes' frames are ordered by publication, see docs/architecture.md.)
    const taskId = posted.body.task.id;
    await events.waitFor((f) => f.type === 'task_state' && f.task_id === taskId && f.status === 'completed');
    events.close();
    const mine = events.frames.filter((f) => (f.type === 'task_state' && f.task_id === taskId) || (f.type === 'session_activity' && f.session_id === session.id));
    const states = mine.map((f) => (f.type === 'task_state' ? f.status : f.activity));
    expect(states.filter((st) => st === 'pending')).toHaveLength(1);
    expect(states.filter((st) => st !== 'pending')).toEqual(['running', 'running', 'completed', 'idle']);
    const userSeqs = events.frames.slice(1).map((f) => f.seq as number);
    expect(userSeqs).toEqual(Array.from({ length: userSeqs.length }, (_, k) => userSeqs[0]! + k));
  });

  it('a permission answered through A unblocks the turn on B', async () => {
    const { session, chat } = await newChat({ agent: 'fake', permission_policy: 'ask', isolated: false });
    const c = await openStream(a.url, session.id, { token });
    await c.waitFor((f) => f.type === 'agent_snapshot');
    await api('POST', `/api/chats/${chat.id}/messages`, { content: 'edit with permission' });
    const asked = await c.waitFor((f) => f.type === 'permission_request', 30_000);
    const answered = await api<Permission>('POST', `/api/permissions/${String(asked.permission_id)}`, { decision: 'allow_once' });
    expect(answered.status).toBe(200);
    expect(await c.waitFor((f) => f.type === 'permission_resolved')).toMatchObject({ permission_id: asked.permission_id, decided_by: 'user' });
    await c.waitFor((f) => f.type === 'message_delta' && f.text === 'After the answer.', 30_000);
    await c.waitFor(isEnd, 30_000);
    c.close();
  });

  it('the worker stops cleanly on SIGTERM, and when the server whose database it uses stops', async () => {
    b.child.kill('SIGTERM');
    expect(await b.exited).toEqual({ code: 0, signal: null });
    const second = await spawnWorker(['--home', home]);
    others.push(second);
    a.child.kill('SIGINT');
    expect(await a.exited).toEqual({ code: 0, signal: null });
    expect((await second.exited).code).toBe(1);
    expect(second.stdout() + second.stderr()).toContain('the server whose database this worker uses has stopped');
  });

  it('a worker with no server on its home and no DATABASE_URL refuses to start', async () => {
    const lonely = scratchDir('boocode-lonely-');
    temp.push(lonely);
    await expect(spawnWorker(['--home', lonely], { DATABASE_URL: '' }, 20_000)).rejects.toThrow(/no server is running on .* and DATABASE_URL is not set/);
  });
});
