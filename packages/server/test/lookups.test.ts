import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, IdMatches, PermissionList, Project, Session, SessionList, TaskList } from '@boocode/contracts';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';

/** The lookups clients need besides the entities themselves: ids by prefix, a session's tasks, every pending permission. */

let server: TestServer;
let project: Project;

beforeAll(async () => {
  // No worker: posted tasks stay pending until the test moves them.
  server = await startTestServer({ worker: false });
  project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo() })).body;
});
afterAll(() => server?.close());

/** Sessions with chosen ids, so that prefixes can be made to collide. */
async function sessionWithId(id: string, agent = 'native'): Promise<void> {
  await server.ctx.sql`INSERT INTO sessions (id, project_id, name, agent) VALUES (${id}, ${project.id}, ${`s ${id.slice(0, 4)}`}, ${agent})`;
}

describe('GET /api/ids', () => {
  it('finds ids by a prefix of 4 or more hex digits, with or without hyphens, of the kinds asked for', async () => {
    await sessionWithId('abcd1234-0000-4000-8000-000000000001');
    await sessionWithId('abcd1234-0000-4000-8000-000000000002', 'opencode');
    await sessionWithId('abce0000-0000-4000-8000-000000000003');
    const ids = async (q: string) => (await server.api<IdMatches>('GET', `/api/ids?${q}`)).body.items;
    expect(await ids('prefix=abce')).toEqual([{ kind: 'session', id: 'abce0000-0000-4000-8000-000000000003' }]);
    expect((await ids('prefix=abcd')).map((m) => m.id)).toEqual(['abcd1234-0000-4000-8000-000000000001', 'abcd1234-0000-4000-8000-000000000002']);
    expect(await ids('prefix=ABCD1234-0000-4000-8000-0000000000')).toHaveLength(2);
    expect(await ids('prefix=abcd123400004000800000000000000')).toHaveLength(2);
    expect(await ids('prefix=abcd1234000040008000000000000002')).toEqual([{ kind: 'session', id: 'abcd1234-0000-4000-8000-000000000002' }]);
    expect(await ids('prefix=abcd&kinds=task,permission')).toEqual([]);
    expect(await ids(`prefix=${project.id.slice(0, 8)}&kinds=project`)).toEqual([{ kind: 'project', id: project.id }]);
    expect(await ids('prefix=ffff')).toEqual([]);
  });

  it('refuses a prefix that is too short or not hex, and a kind it does not know', async () => {
    for (const q of ['prefix=abc', 'prefix=abcx', 'prefix=', '', 'prefix=abcd&kinds=sessions', `prefix=${'a'.repeat(33)}`]) {
      const r = await server.api<ErrorBody>('GET', `/api/ids?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error).toBe('invalid_request');
    }
    expect((await server.api<ErrorBody>('GET', '/api/ids?prefix=abc')).body.message).toMatch(/prefix/);
  });
});

describe('GET /api/sessions?agent', () => {
  it('keeps the sessions of one agent', async () => {
    const r = await server.api<SessionList>('GET', '/api/sessions?agent=opencode');
    expect(r.body.items.map((s) => s.id)).toEqual(['abcd1234-0000-4000-8000-000000000002']);
  });
});

describe('GET /api/sessions/:id/tasks', () => {
  it("lists a session's tasks newest first, filtered by status", async () => {
    const session = (await server.api<Session>('POST', '/api/sessions', { project_id: project.id })).body;
    const chat = (await server.api<{ items: { id: string }[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
    const posted: string[] = [];
    for (const content of ['one', 'two']) posted.push((await server.api<{ task: { id: string } }>('POST', `/api/chats/${chat.id}/messages`, { content })).body.task.id);
    await server.api('POST', `/api/tasks/${posted[0]}/cancel`);
    const all = (await server.api<TaskList>('GET', `/api/sessions/${session.id}/tasks`)).body.items;
    expect(all.map((t) => t.id)).toEqual([...posted].reverse());
    const cancelled = (await server.api<TaskList>('GET', `/api/sessions/${session.id}/tasks?status=cancelled,timed_out`)).body.items;
    expect(cancelled.map((t) => t.id)).toEqual([posted[0]]);
    expect((await server.api<TaskList>('GET', `/api/sessions/${session.id}/tasks?limit=1`)).body.items.map((t) => t.id)).toEqual([posted[1]]);
  });

  it('refuses an unknown status (400) and an unknown session (404)', async () => {
    const bad = await server.api<ErrorBody>('GET', `/api/sessions/abcd1234-0000-4000-8000-000000000001/tasks?status=done`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/status/);
    expect((await server.api('GET', '/api/sessions/abcd1234-0000-4000-8000-00000000ffff/tasks')).status).toBe(404);
  });
});

describe('GET /api/permissions', () => {
  it("lists every session's requests by status, and refuses a bad status or limit", async () => {
    expect((await server.api<PermissionList>('GET', '/api/permissions?status=pending')).body).toEqual({ items: [] });
    expect((await server.api('GET', '/api/permissions?status=waiting')).status).toBe(400);
    expect((await server.api('GET', '/api/permissions?limit=500')).status).toBe(400);
  });
});
