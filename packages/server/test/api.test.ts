import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { mkdir, stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { routes, type Chat, type ChatList, type ErrorBody, type MessagePage, type PostMessageResponse, type Project, type RouteName, type Session, type Task } from '@boocode/contracts';
import { scratchDir } from '@boocode/testkit';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';

let server: TestServer;
let repo: string;
const missing = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  // The API alone: no worker, so posted messages stay pending tasks as the assertions expect.
  server = await startTestServer({ worker: false });
  repo = await makeGitRepo({ 'a.txt': 'a\n' }, 'my repo ü');
});
afterAll(() => server?.close());

const expectError = (r: { status: number; body: unknown }, status: number, code: string, mentions?: string) => {
  expect(r.status).toBe(status);
  const body = r.body as ErrorBody;
  expect(body.error).toBe(code);
  expect(typeof body.message).toBe('string');
  if (mentions) expect(body.message).toContain(mentions);
};

describe('auth', () => {
  it('serves health without a token and everything else only with one', async () => {
    expect((await server.api('GET', '/api/health', undefined, { token: null })).status).toBe(200);
    expectError(await server.api('GET', '/api/projects', undefined, { token: null }), 401, 'unauthorized');
    expectError(await server.api('GET', '/api/projects', undefined, { token: 'wrong' }), 401, 'unauthorized');
    expect((await server.api('GET', '/api/projects')).status).toBe(200);
  });

  it('cannot be bypassed with percent-encoded paths', async () => {
    for (const p of ['/%61pi/projects', '/api/%70rojects', '/%2Fapi/projects', '/api/auth/%63odes']) {
      const r = await server.api('GET', p, undefined, { token: null });
      // Either refused, or not an API route at all (the web app's page): never the data.
      expect(JSON.stringify(r.body), p).not.toContain('"items"');
      if (r.status === 200) expect(String(r.body), p).toMatch(/<!doctype html>|not built/i);
    }
    expect((await server.api('POST', '/%61pi/auth/codes', undefined, { token: null })).status).toBe(401);
    expect((await server.api('GET', '/%61pi/projects')).status).toBe(200);
  });

  it('refuses other host names while bound to loopback (DNS rebinding)', async () => {
    // fetch() will not send a Host of our choosing; node:http will.
    const get = (host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port: server.port, path: '/api/projects', headers: { host, authorization: `Bearer ${server.token}` } }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
      });
    const evil = await get('evil.example');
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).error).toBe('forbidden_host');
    expect((await get(`localhost:${server.port}`)).status).toBe(200);
    expect((await get(`127.0.0.1:${server.port}`)).status).toBe(200);
  });

  it('writes the token to config.json with mode 0600', async () => {
    const file = path.join(server.home, 'config.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8')).token).toBe(server.token);
  });

  it('logs a browser in once per code and then accepts the cookie', async () => {
    const loginUrl = server.loginUrl();
    const res = await fetch(loginUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toMatch(/^boocode_session=/);
    const withCookie = await fetch(`${server.url}/api/projects`, { headers: { cookie } });
    expect(withCookie.status).toBe(200);
    const again = await fetch(loginUrl, { redirect: 'manual' });
    expect(again.status).toBe(401);
    const forged = await fetch(`${server.url}/api/projects`, { headers: { cookie: 'boocode_session=forged' } });
    expect(forged.status).toBe(401);
  });

  it('refuses a cookie once its browser logged out, and every cookie after "log out all browsers"', async () => {
    const login = async (): Promise<string> => {
      const res = await fetch(server.loginUrl(), { redirect: 'manual' });
      return res.headers.get('set-cookie')!.split(';')[0]!;
    };
    const projects = (cookie: string) => fetch(`${server.url}/api/projects`, { headers: { cookie } });
    const [a, b, c] = [await login(), await login(), await login()];
    expect((await projects(a)).status).toBe(200);
    const out = await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { cookie: a } });
    expect(out.status).toBe(204);
    expect((await projects(a)).status).toBe(401);
    expect((await projects(b)).status).toBe(200);
    expect((await server.api('POST', '/api/auth/logout-all')).status).toBe(204);
    expect((await projects(b)).status).toBe(401);
    expect((await projects(c)).status).toBe(401);
    // A fresh login works again.
    expect((await projects(await login())).status).toBe(200);
  });

  it('logs in with the token by POST and refuses a wrong one', async () => {
    expectError(await server.api('POST', '/api/auth/login', { token: 'nope' }, { token: null }), 401, 'unauthorized');
    expect((await server.api('POST', '/api/auth/login', { token: server.token }, { token: null })).status).toBe(204);
  });
});

describe('projects', () => {
  let project: Project;

  it('registers a git repository (path with spaces and unicode)', async () => {
    const r = await server.api<Project>('POST', '/api/projects', { path: repo });
    expect(r.status).toBe(201);
    project = r.body;
    expect(project.path).toBe(repo);
    expect(project.name).toBe('my repo ü');
  });

  it('refuses a path that is not a git repository, does not exist, is a file or a subdirectory, or is registered', async () => {
    const plain = scratchDir('plain-');
    expectError(await server.api('POST', '/api/projects', { path: plain }), 400, 'not_a_git_repository', `path: ${plain} is not a git repository`);
    expectError(await server.api('POST', '/api/projects', { path: '/definitely/not/here' }), 400, 'path_not_found', 'path: /definitely/not/here does not exist');
    const file = path.join(repo, 'a.txt');
    expectError(await server.api('POST', '/api/projects', { path: file }), 400, 'not_a_directory', `path: ${file} is not a directory`);
    // A subdirectory is refused with the top level to register instead.
    const sub = path.join(repo, 'sub');
    await mkdir(sub);
    const inside = await server.api('POST', '/api/projects', { path: sub });
    expectError(inside, 400, 'not_repository_root', `register the repository's top level`);
    expect((inside.body as ErrorBody).message).toContain(repo);
    expectError(await server.api('POST', '/api/projects', { path: repo }), 409, 'conflict', 'already registered');
  });

  it('names the field of a bad body and survives bad JSON', async () => {
    expectError(await server.api('POST', '/api/projects', {}), 400, 'invalid_request', 'path');
    expectError(await server.api('POST', '/api/projects', { path: 42 }), 400, 'invalid_request', 'path');
    expectError(await server.api('POST', '/api/projects', '{"path":'), 400, 'invalid_request');
  });

  it('lists, gets and 404s', async () => {
    const list = await server.api<{ items: Project[] }>('GET', '/api/projects');
    expect(list.body.items.map((p) => p.id)).toContain(project.id);
    expect((await server.api<Project>('GET', `/api/projects/${project.id}`)).body.path).toBe(repo);
    expectError(await server.api('GET', `/api/projects/${missing}`), 404, 'not_found');
    expectError(await server.api('GET', '/api/projects/not-a-uuid'), 404, 'not_found');
    expectError(await server.api('DELETE', `/api/projects/${missing}`), 404, 'not_found');
  });

  it('removes a project and its sessions', async () => {
    const other = await makeGitRepo({ 'b.txt': 'b\n' });
    const p = (await server.api<Project>('POST', '/api/projects', { path: other })).body;
    const s = (await server.api<Session>('POST', '/api/sessions', { project_id: p.id })).body;
    expect((await server.api('DELETE', `/api/projects/${p.id}`)).status).toBe(204);
    expect((await server.api('GET', `/api/projects/${p.id}`)).status).toBe(404);
    expect((await server.api('GET', `/api/sessions/${s.id}`)).status).toBe(404);
  });

  describe('sessions, chats and messages', () => {
    let session: Session;
    let chat: Chat;

    it('creates a session with defaults and a first chat', async () => {
      const r = await server.api<Session>('POST', '/api/sessions', { project_id: project.id, name: 'first', model: 'm1' });
      expect(r.status).toBe(201);
      session = r.body;
      expect(session).toMatchObject({ name: 'first', agent: 'native', model: 'm1', status: 'open', permission_policy: 'ask', isolated: true });
      const chats = await server.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`);
      expect(chats.body.items).toHaveLength(1);
      chat = chats.body.items[0]!;
    });

    it('refuses bad session bodies and unknown projects', async () => {
      expectError(await server.api('POST', '/api/sessions', { project_id: 'x' }), 400, 'invalid_request', 'project_id');
      expectError(await server.api('POST', '/api/sessions', { project_id: project.id, permission_policy: 'yolo' }), 400, 'invalid_request', 'permission_policy');
      expectError(await server.api('POST', '/api/sessions', { project_id: missing }), 404, 'not_found', 'project');
    });

    it('lists with filters, renames, archives', async () => {
      const s2 = (await server.api<Session>('POST', '/api/sessions', { project_id: project.id, name: 'second' })).body;
      const open = await server.api<{ items: Session[] }>('GET', `/api/sessions?project_id=${project.id}&status=open`);
      expect(open.body.items.map((s) => s.id).sort()).toEqual([session.id, s2.id].sort());
      expectError(await server.api('GET', '/api/sessions?status=weird'), 400, 'invalid_request', 'status');
      const renamed = await server.api<Session>('PATCH', `/api/sessions/${s2.id}`, { name: 'renamed' });
      expect(renamed.body.name).toBe('renamed');
      expectError(await server.api('PATCH', `/api/sessions/${s2.id}`, {}), 400, 'invalid_request');
      expectError(await server.api('PATCH', `/api/sessions/${s2.id}`, { name: '' }), 400, 'invalid_request', 'name');
      expectError(await server.api('PATCH', `/api/sessions/${missing}`, { name: 'x' }), 404, 'not_found');
      const archived = await server.api<Session>('POST', `/api/sessions/${s2.id}/archive`);
      expect(archived.body.status).toBe('archived');
      const arch = await server.api<{ items: Session[] }>('GET', `/api/sessions?project_id=${project.id}&status=archived`);
      expect(arch.body.items.map((s) => s.id)).toEqual([s2.id]);
      expectError(await server.api('POST', `/api/sessions/${missing}/archive`), 404, 'not_found');
      // An archived session takes no more messages.
      const c2 = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${s2.id}/chats`)).body.items[0]!;
      expectError(await server.api('POST', `/api/chats/${c2.id}/messages`, { content: 'hi' }), 409, 'session_archived');
    });

    it('creates, lists and renames chats', async () => {
      const c = await server.api<Chat>('POST', `/api/sessions/${session.id}/chats`, {});
      expect(c.status).toBe(201);
      expect(c.body.name).toBe('Chat 2');
      const r = await server.api<Chat>('PATCH', `/api/chats/${c.body.id}`, { name: 'tab' });
      expect(r.body.name).toBe('tab');
      expectError(await server.api('PATCH', `/api/chats/${c.body.id}`, { name: 5 }), 400, 'invalid_request', 'name');
      expectError(await server.api('PATCH', `/api/chats/${missing}`, { name: 'x' }), 404, 'not_found');
      expectError(await server.api('POST', `/api/sessions/${missing}/chats`, {}), 404, 'not_found');
      expectError(await server.api('GET', `/api/sessions/${missing}/chats`), 404, 'not_found');
      const list = await server.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`);
      expect(list.body.items.map((x) => x.name)).toEqual(['Chat 1', 'tab']);
    });

    it('stores a user message with a pending task', async () => {
      const r = await server.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'hello' });
      expect(r.status).toBe(201);
      expect(r.body.message).toMatchObject({ role: 'user', content: 'hello', status: 'complete', turn: 1, task_id: r.body.task.id });
      expect(r.body.task).toMatchObject({ status: 'pending', agent: 'native', model: 'm1', session_id: session.id, chat_id: chat.id });
      const t = await server.api<Task>('GET', `/api/tasks/${r.body.task.id}`);
      expect(t.body.status).toBe('pending');
      expectError(await server.api('GET', `/api/tasks/${missing}`), 404, 'not_found');
    });

    it('refuses empty or malformed messages and unknown chats', async () => {
      expectError(await server.api('POST', `/api/chats/${chat.id}/messages`, { content: '  ' }), 400, 'invalid_request', 'content');
      expectError(await server.api('POST', `/api/chats/${chat.id}/messages`, { content: 3 }), 400, 'invalid_request', 'content');
      expectError(
        await server.api('POST', `/api/chats/${chat.id}/messages`, { content: 'x', images: [{ type: 'image', mime_type: 'text/plain', data: 'AA' }] }),
        400,
        'invalid_request',
        'images.0.mime_type',
      );
      expectError(await server.api('POST', `/api/chats/${missing}/messages`, { content: 'x' }), 404, 'not_found', 'chat');
    });

    it('numbers the turns of messages posted at the same time one after the other', async () => {
      const c = (await server.api<Chat>('POST', `/api/sessions/${session.id}/chats`, { name: 'burst' })).body;
      const posted = await Promise.all(Array.from({ length: 6 }, (_, i) => server.api<PostMessageResponse>('POST', `/api/chats/${c.id}/messages`, { content: `b${i}` })));
      expect(posted.map((p) => p.body.message.turn).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('refuses NUL characters and out-of-range numbers with a 400, not a 500', async () => {
      expectError(await server.api('POST', `/api/chats/${chat.id}/messages`, { content: 'a\u0000b' }), 400, 'invalid_request', 'content');
      expectError(await server.api('PATCH', `/api/chats/${chat.id}`, { name: 'x\u0000' }), 400, 'invalid_request', 'name');
      expectError(await server.api('POST', '/api/sessions', { project_id: project.id, model: 'm\u0000' }), 400, 'invalid_request', 'model');
      expectError(await server.api('GET', `/api/chats/${chat.id}/traces?turn=99999999999`), 400, 'invalid_request', 'turn');
    });

    it('refuses a lone UTF-16 surrogate or a NUL anywhere in a message, naming the field', async () => {
      const post = (body: unknown) => server.api('POST', `/api/chats/${chat.id}/messages`, body);
      const image = (over: Record<string, string>) => ({ content: 'x', images: [{ type: 'image', mime_type: 'image/png', data: 'AAAA', ...over }] });
      expectError(await post({ content: 'lone \ud800 surrogate' }), 400, 'invalid_request', 'content: must not contain unpaired UTF-16 surrogates');
      expectError(await post({ content: 'trailing \udc00' }), 400, 'invalid_request', 'content');
      expectError(await post(image({ data: 'AA\u0000AA' })), 400, 'invalid_request', 'images.0.data: must not contain NUL');
      expectError(await post(image({ data: 'AA\ud83dAA' })), 400, 'invalid_request', 'images.0.data');
      expectError(await post(image({ mime_type: 'image/png\u0000' })), 400, 'invalid_request', 'images.0.mime_type');
      expectError(await server.api('PATCH', `/api/chats/${chat.id}`, { name: 'x\udfff' }), 400, 'invalid_request', 'name');
      // A paired surrogate (an emoji) is ordinary text.
      expect((await post({ content: 'ok \ud83d\ude00' })).status).toBe(201);
    });

    it('pages messages by keyset in both directions', async () => {
      const c = (await server.api<Chat>('POST', `/api/sessions/${session.id}/chats`, { name: 'paging' })).body;
      for (let i = 0; i < 7; i++) await server.api('POST', `/api/chats/${c.id}/messages`, { content: `m${i}` });
      const newest = await server.api<MessagePage>('GET', `/api/chats/${c.id}/messages?limit=3`);
      expect(newest.body.items.map((m) => m.content)).toEqual(['m4', 'm5', 'm6']);
      expect(newest.body.next_cursor).toBeNull();
      const older = await server.api<MessagePage>('GET', `/api/chats/${c.id}/messages?limit=3&before=${newest.body.prev_cursor}`);
      expect(older.body.items.map((m) => m.content)).toEqual(['m1', 'm2', 'm3']);
      const oldest = await server.api<MessagePage>('GET', `/api/chats/${c.id}/messages?limit=3&before=${older.body.prev_cursor}`);
      expect(oldest.body.items.map((m) => m.content)).toEqual(['m0']);
      expect(oldest.body.prev_cursor).toBeNull();
      const fwd = await server.api<MessagePage>('GET', `/api/chats/${c.id}/messages?limit=4&after=${oldest.body.items[0]!.cursor}`);
      expect(fwd.body.items.map((m) => m.content)).toEqual(['m1', 'm2', 'm3', 'm4']);
      const rest = await server.api<MessagePage>('GET', `/api/chats/${c.id}/messages?limit=4&after=${fwd.body.next_cursor}`);
      expect(rest.body.items.map((m) => m.content)).toEqual(['m5', 'm6']);
      expect(rest.body.next_cursor).toBeNull();
      expectError(await server.api('GET', `/api/chats/${c.id}/messages?limit=201`), 400, 'invalid_request', 'limit');
      expectError(await server.api('GET', `/api/chats/${c.id}/messages?limit=0`), 400, 'invalid_request', 'limit');
      expectError(await server.api('GET', `/api/chats/${c.id}/messages?before=abc`), 400, 'invalid_request', 'before');
      expectError(await server.api('GET', `/api/chats/${c.id}/messages?before=1&after=2`), 400, 'invalid_request');
      expectError(await server.api('GET', `/api/chats/${missing}/messages`), 404, 'not_found');
    });

    it("lists chats with the first chat's newest page, usage and agent sessions when asked, as their own routes answer them", async () => {
      const plain = await server.api<ChatList>('GET', `/api/sessions/${session.id}/chats`);
      expect(plain.body.first).toBeUndefined();
      const r = await server.api<ChatList>('GET', `/api/sessions/${session.id}/chats?first_messages=1`);
      expect(r.status).toBe(200);
      expect(r.body.items).toEqual(plain.body.items);
      const first = r.body.first!;
      expect(first.chat_id).toBe(chat.id);
      expect(first.messages).toEqual((await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages?limit=1`)).body);
      expect(first.messages.items).toHaveLength(1);
      expect(first.messages.prev_cursor).not.toBeNull();
      expect(first.usage).toEqual((await server.api('GET', `/api/chats/${chat.id}/usage`)).body);
      expect(first.agent_sessions).toEqual((await server.api('GET', `/api/chats/${chat.id}/agent-sessions`)).body);
      for (const bad of ['0', '201', 'many', '']) {
        expectError(await server.api('GET', `/api/sessions/${session.id}/chats?first_messages=${bad}`), 400, 'invalid_request', 'first_messages');
      }
      expectError(await server.api('GET', `/api/sessions/${missing}/chats?first_messages=2`), 404, 'not_found');
    });

    it('cancels a pending task so it never starts', async () => {
      const r = await server.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'to cancel' });
      const c = await server.api<Task>('POST', `/api/tasks/${r.body.task.id}/cancel`);
      expect(c.body.status).toBe('cancelled');
      expectError(await server.api('POST', `/api/tasks/${missing}/cancel`), 404, 'not_found');
      const s = await server.api<{ cancelled: string[] }>('POST', `/api/sessions/${session.id}/cancel`);
      expect(s.status).toBe(200);
      expectError(await server.api('POST', `/api/sessions/${missing}/cancel`), 404, 'not_found');
    });
  });
});

describe('openapi and unknown routes', () => {
  it('documents every route of the table, with the error codes each answers with', async () => {
    interface Operation {
      operationId: string;
      security?: unknown[];
      requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
      responses: Record<string, { content?: Record<string, { schema: { allOf?: { properties?: { error?: { enum: string[] } } }[] } }> }>;
    }
    const r = await server.api<{ openapi: string; paths: Record<string, Record<string, Operation>> }>('GET', '/api/openapi.json');
    expect(r.body.openapi).toBe('3.0.3');
    const op = (name: RouteName) => r.body.paths[routes[name].path.replace(/:(\w+)/g, '{$1}')]?.[routes[name].method.toLowerCase()];
    for (const name of Object.keys(routes) as RouteName[]) expect(op(name)?.operationId, name).toBe(name);
    const props = op('createProject')!.requestBody!.content['application/json']!.schema.properties!;
    expect(Object.keys(props)).toContain('path');
    const codes = (name: RouteName, status: number) =>
      op(name)!.responses[String(status)]?.content?.['application/json']?.schema.allOf?.[1]?.properties?.error?.enum;
    expect(codes('applyChange', 409)).toEqual(expect.arrayContaining(['dirty_project', 'patch_does_not_apply', 'turn_running']));
    expect(codes('createProject', 400)).toEqual(expect.arrayContaining(['invalid_request', 'path_not_found', 'not_a_git_repository']));
    expect(codes('getProject', 404)).toEqual(['not_found']);
    expect(codes('getProject', 401)).toEqual(['unauthorized']);
    expect(op('getProject')!.responses['409']).toBeUndefined();
    // Public routes need no token and cannot answer 401 for a missing one.
    expect(op('health')!.security).toEqual([]);
    expect(op('health')!.responses['401']).toBeUndefined();
    expect(op('listProjects')!.security).toBeUndefined();
  });

  it('registers every route of the table', async () => {
    for (const [name, def] of Object.entries(routes)) {
      // A malformed id, query and body: each route refuses them its own way, never as an unknown route
      // (and GET /api/agents does not go probing for agents).
      const query = 'query' in def ? '?refresh=bad&status=bad&limit=0' : '';
      // Rotating the token would lock the rest of this file out: it is asked without one.
      const token = name === 'rotateToken' ? { token: null } : {};
      const res = await server.api<ErrorBody>(def.method, def.path.replace(':id', 'not-a-uuid') + query, def.method === 'GET' ? undefined : {}, token);
      expect(res.body?.message ?? '', name).not.toMatch(/^no route/);
    }
  });

  it('needs a token for every route but health and login', async () => {
    expect((await server.api('HEAD', '/api/health', undefined, { token: null })).status).toBe(200);
    expectError(await server.api('POST', '/api/auth/logout', undefined, { token: null }), 401, 'unauthorized');
    expectError(await server.api('GET', '/api/openapi.json', undefined, { token: null }), 401, 'unauthorized');
    expectError(await server.api('GET', '/api/auth/login', undefined, { token: null }), 400, 'invalid_request', 'code');
  });

  it('answers unknown API routes with a JSON 404', async () => {
    expectError(await server.api('GET', '/api/nope'), 404, 'not_found');
  });
});
