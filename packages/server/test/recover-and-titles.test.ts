import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Chat, ErrorBody, MessagePage, PostMessageResponse, Project, Session, Task } from '@boocode/contracts';
import { scratchDir } from '@boocode/testkit';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { taskPromptParts } from '../src/db/tasks.js';

/**
 * Recovering an ended turn (retry, continue), session titles from the first prompt, unarchive and
 * `~` in project paths, through the API. No worker: posted turns stay pending until cancelled.
 */
let server: TestServer;
let project: Project;
let userHome: string;

beforeAll(async () => {
  userHome = scratchDir('user-home-');
  await mkdir(userHome, { recursive: true });
  server = await startTestServer({ worker: false, env: { HOME: userHome } });
  const repo = await makeGitRepo({ 'a.txt': 'a\n' }, 'recover');
  project = (await server.api<Project>('POST', '/api/projects', { path: repo })).body;
});
afterAll(() => server?.close());

const expectError = (r: { status: number; body: unknown }, status: number, code: string, mentions: string) => {
  expect(r.status).toBe(status);
  expect((r.body as ErrorBody).error).toBe(code);
  expect((r.body as ErrorBody).message).toContain(mentions);
};

async function newSession(body: Record<string, unknown> = {}): Promise<{ session: Session; chat: Chat }> {
  const session = (await server.api<Session>('POST', '/api/sessions', { project_id: project.id, ...body })).body;
  const chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
  return { session, chat };
}
const post = async (chat: Chat, body: Record<string, unknown>) => (await server.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, body)).body;
const cancel = async (task: Task) => (await server.api<Task>('POST', `/api/tasks/${task.id}/cancel`)).body;
const recover = (task: Task, action: string) => server.api<PostMessageResponse>('POST', `/api/tasks/${task.id}/recover`, { action });

describe('recovering an ended turn', () => {
  it('retries a cancelled turn with its prompt and images, in the same chat', async () => {
    const { chat } = await newSession();
    const image = { type: 'image', mime_type: 'image/png', data: 'iVBORw0KGgo=' };
    const first = await post(chat, { content: 'draw it again', images: [image] });
    expect((await cancel(first.task)).status).toBe('cancelled');

    const r = await recover(first.task, 'retry');
    expect(r.status).toBe(201);
    expect(r.body.message.chat_id).toBe(chat.id);
    expect(r.body.message.content).toBe('draw it again');
    // The same stored image, by its hash: nothing is stored twice.
    const [stored] = first.message.metadata.images as { sha256: string; mime_type: string }[];
    expect(stored).toMatchObject({ mime_type: 'image/png' });
    expect(r.body.message.metadata).toMatchObject({ images: [stored], recovers: { task_id: first.task.id, action: 'retry' } });
    expect(r.body.task.status).toBe('pending');
    expect(await taskPromptParts(server.ctx.sql, r.body.task.id)).toEqual([{ type: 'text', text: 'draw it again' }, { type: 'stored_image', ...stored }]);
    const page = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body;
    expect(page.items.map((m) => m.content)).toEqual(['draw it again', 'draw it again']);
  });

  it('continues with a prompt asking the agent to carry on, saying why it stopped', async () => {
    const { chat } = await newSession();
    const first = await post(chat, { content: 'long job' });
    await cancel(first.task);
    const r = await recover(first.task, 'continue');
    expect(r.status).toBe(201);
    expect(r.body.message.content).toMatch(/^Your previous answer stopped before it was finished: it was cancelled\. Continue from where you stopped/);
    expect(r.body.message.metadata).toMatchObject({ images: [], recovers: { action: 'continue' } });
  });

  it('refuses a turn still queued, a second recovery while one is queued, a bad action and an unknown task', async () => {
    const { chat } = await newSession();
    const first = await post(chat, { content: 'one' });
    expectError(await recover(first.task, 'retry'), 409, 'turn_running', 'has not ended yet');
    await cancel(first.task);
    expect((await recover(first.task, 'retry')).status).toBe(201);
    expectError(await recover(first.task, 'continue'), 409, 'turn_running', 'has a turn running or queued');
    expectError(await recover(first.task, 'redo'), 400, 'invalid_request', 'action');
    expectError(await recover({ ...first.task, id: '00000000-0000-4000-8000-000000000000' }, 'retry'), 404, 'not_found', 'task');
  });

  it('refuses a completed turn and a turn of an archived session', async () => {
    const { session, chat } = await newSession();
    const first = await post(chat, { content: 'done already' });
    await server.ctx.sql`UPDATE tasks SET status = 'completed' WHERE id = ${first.task.id}`;
    expectError(await recover(first.task, 'retry'), 400, 'invalid_request', 'only a failed, interrupted or cancelled turn');
    await server.ctx.sql`UPDATE tasks SET status = 'failed', error = 'interrupted' WHERE id = ${first.task.id}`;
    expect((await server.api('POST', `/api/sessions/${session.id}/archive`, {})).status).toBe(200);
    expectError(await recover(first.task, 'continue'), 409, 'session_archived', 'archived');
  });
});

describe('session titles', () => {
  it('takes a title from the first prompt of a session created without a name, once', async () => {
    const { session, chat } = await newSession();
    expect(session.name).toMatch(/^Session /);
    await post(chat, { content: '\n  Fix   the login\tbug on Safari\nand then the rest' });
    expect((await server.api<Session>('GET', `/api/sessions/${session.id}`)).body.name).toBe('Fix the login bug on Safari');
    await post(chat, { content: 'second prompt' });
    expect((await server.api<Session>('GET', `/api/sessions/${session.id}`)).body.name).toBe('Fix the login bug on Safari');
  });

  it('cuts a long first line at a word, and keeps a name the user gave or chose', async () => {
    const long = await newSession();
    await post(long.chat, { content: 'word '.repeat(40) });
    const name = (await server.api<Session>('GET', `/api/sessions/${long.session.id}`)).body.name;
    expect(name.length).toBeLessThanOrEqual(60);
    expect(name).toMatch(/^word( word)*…$/);

    const given = await newSession({ name: 'Mine' });
    await post(given.chat, { content: 'not a title' });
    expect((await server.api<Session>('GET', `/api/sessions/${given.session.id}`)).body.name).toBe('Mine');

    const renamed = await newSession();
    expect((await server.api<Session>('PATCH', `/api/sessions/${renamed.session.id}`, { name: 'Renamed first' })).body.name).toBe('Renamed first');
    await post(renamed.chat, { content: 'not a title either' });
    expect((await server.api<Session>('GET', `/api/sessions/${renamed.session.id}`)).body.name).toBe('Renamed first');
    expectError(await server.api('PATCH', `/api/sessions/${renamed.session.id}`, { name: '   ' }), 400, 'invalid_request', 'name');
  });
});

describe('unarchive', () => {
  it('reopens an archived session, which takes messages again', async () => {
    const { session, chat } = await newSession();
    await server.api('POST', `/api/sessions/${session.id}/archive`, {});
    expectError(await server.api('POST', `/api/chats/${chat.id}/messages`, { content: 'x' }), 409, 'session_archived', 'archived');
    const archived = (await server.api<{ items: Session[] }>('GET', `/api/sessions?status=archived&project_id=${project.id}`)).body.items;
    expect(archived.map((s) => s.id)).toContain(session.id);
    const r = await server.api<Session>('POST', `/api/sessions/${session.id}/unarchive`);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('open');
    expect((await server.api('POST', `/api/chats/${chat.id}/messages`, { content: 'x' })).status).toBe(201);
    expect((await server.api('POST', '/api/sessions/00000000-0000-4000-8000-000000000000/unarchive')).status).toBe(404);
  });
});

describe('~ in project paths', () => {
  it('stands for the home directory; ~user is not expanded', async () => {
    const repo = await makeGitRepo({ 'b.txt': 'b\n' }, 'homed');
    const inHome = path.join(userHome, 'code', 'homed');
    await mkdir(path.dirname(inHome), { recursive: true });
    await rename(repo, inHome);
    const r = await server.api<Project>('POST', '/api/projects', { path: '~/code/homed' });
    expect(r.status).toBe(201);
    expect(r.body.path).toBe(inHome);
    expectError(await server.api('POST', '/api/projects', { path: '~/code/missing' }), 400, 'path_not_found', path.join(userHome, 'code/missing'));
    expectError(await server.api('POST', '/api/projects', { path: '~nobody/x' }), 400, 'path_not_found', '~nobody/x');
  });
});
