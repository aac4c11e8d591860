import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Chat, MessagePage, PostMessageResponse, Project, Session, Task } from '@boocode/contracts';
import { emptyUsage } from '@boocode/contracts';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { MessageWriter } from '../src/stream/message-writer.js';

let server: TestServer;
let chat: Chat;
let session: Session;
let project: Project;

beforeAll(async () => {
  server = await startTestServer({ worker: { pollMs: 600_000 } });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo() })).body;
  session = (await server.api<Session>('POST', '/api/sessions', { project_id: project.id, isolated: false })).body;
  chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
});
afterAll(() => server?.close());

describe('coalesced message writes', () => {
  it('bounds database writes per second while every delta is kept, and writes the final text', async () => {
    const { sql } = server.ctx;
    const [row] = await sql<{ id: string }[]>`
      INSERT INTO messages (chat_id, session_id, role, status) VALUES (${chat.id}, ${session.id}, 'assistant', 'streaming') RETURNING id`;
    const writer = new MessageWriter(sql, row!.id, 100);
    const started = Date.now();
    let expected = '';
    // ~1 s of a fast stream: 2,000 deltas.
    for (let i = 0; i < 2000; i++) {
      const piece = `d${i} `;
      expected += piece;
      writer.appendText(piece);
      if (i % 40 === 0) await sleep(20);
    }
    await writer.flush();
    const seconds = (Date.now() - started) / 1000;
    const mid = (await sql<{ content: string }[]>`SELECT content FROM messages WHERE id = ${row!.id}`)[0]!;
    expect(mid.content).toBe(expected);
    // At most one write per interval (plus the explicit flush), far fewer than one per delta.
    expect(writer.writes).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 2);
    writer.appendReasoning('thinking');
    await writer.finish({ status: 'complete', usage: emptyUsage(), usageReported: true });
    const done = (await sql<{ content: string; reasoning: string; status: string }[]>`SELECT content, reasoning, status FROM messages WHERE id = ${row!.id}`)[0]!;
    expect(done).toEqual({ content: expected, reasoning: 'thinking', status: 'complete' });
  });
});

describe('task notifications', () => {
  it('keeps waking the worker after its LISTEN connection is killed (re-subscribe, no poll)', async () => {
    const { sql } = server.ctx;
    const killed = await sql<{ pid: number }[]>`
      SELECT pg_terminate_backend(pid) AS ok, pid FROM pg_stat_activity
      WHERE datname = current_database() AND query ILIKE 'listen%'`;
    expect(killed.length).toBeGreaterThan(0);
    // postgres.js re-subscribes on a new connection; wait for the LISTEN to be back.
    const oldPids = new Set(killed.map((k) => k.pid));
    for (let i = 0; i < 100; i++) {
      const now = await sql<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'listen%'`;
      if (now.some((r) => !oldPids.has(r.pid))) break;
      await sleep(100);
    }
    // The poll is set to 10 minutes, so only NOTIFY can wake the worker now.
    const posted = (await server.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'wake up' })).body;
    let task: Task | null = null;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(100)) {
      const t = (await server.api<Task>('GET', `/api/tasks/${posted.task.id}`)).body;
      if (t.status !== 'pending') {
        task = t;
        break;
      }
    }
    expect(task?.status).not.toBe('pending');
    const page = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body;
    expect(page.items.some((m) => m.role === 'assistant')).toBe(true);
  });
});
