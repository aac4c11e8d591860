import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat, ErrorBody, MessagePage, PostMessageResponse, Project, Session, Task } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { createTestDatabase, makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';
import { connect, type Sql } from '@boocode/server/internals';
import { waitTask as waitServerTask, nativeEnv } from './agents-env.js';

/**
 * Images of user messages: stored once by the SHA-256 of their bytes, never as base64 in a task
 * or a message; served with auth and for-ever cache headers; read back when the turn starts, so
 * the native agent's model receives the image part.
 */

let llm: FakeLlm;
let server: TestServer;
let chat: Chat;
let sql: Sql;

// A 1x1 PNG: real bytes, so the type the server sends back can be checked.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
const png = { type: 'image', mime_type: 'image/png', data: PNG.toString('base64') } as const;
const sha = createHash('sha256').update(PNG).digest('hex');

beforeAll(async () => {
  llm = await startFakeLlm();
  const databaseUrl = await createTestDatabase();
  server = await startTestServer({ databaseUrl, env: nativeEnv(llm), writeIntervalMs: 50 });
  sql = connect(databaseUrl, { max: 2 });
  const project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo() })).body;
  const session = (await server.api<Session>('POST', '/api/sessions', { project_id: project.id })).body;
  chat = (await server.api<{ items: Chat[] }>('GET', `/api/sessions/${session.id}/chats`)).body.items[0]!;
});
afterAll(async () => {
  await sql?.end();
  await server?.close();
  await llm?.close();
});

const waitTask = (id: string, done?: (t: Task) => boolean) => waitServerTask(server, id, done);

const getImage = (hash: string, headers: Record<string, string> = {}, token?: string | null) =>
  fetch(`${server.url}/api/images/${hash}`, { headers: { ...(token === null ? {} : { authorization: `Bearer ${token ?? server.token}` }), ...headers } });

describe('images of user messages', () => {
  it('stores an image once by hash, gives the model the image part, and serves it back', async () => {
    llm.push({ match: { lastUserIncludes: 'what is this' }, text: ['a pixel'] });
    const posted = await server.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'what is this', images: [png] });
    expect(posted.status).toBe(201);
    expect(posted.body.message.metadata.images).toEqual([{ sha256: sha, mime_type: 'image/png' }]);
    expect((await waitTask(posted.body.task.id)).status).toBe('completed');
    // The bytes reached the model as an image part of the user message.
    expect(llm.requests.at(-1)!.images).toEqual([{ url: `data:image/png;base64,${png.data}` }]);

    // Neither the message nor the task row carries the base64.
    const rows = await sql<{ input: unknown; metadata: unknown }[]>`
      SELECT t.input, m.metadata FROM tasks t JOIN messages m ON m.id = t.message_id WHERE t.id = ${posted.body.task.id}`;
    expect(JSON.stringify(rows[0])).not.toContain(png.data.slice(0, 20));
    expect(JSON.stringify(rows[0]!.input)).toContain(sha);

    // Posting the same image again stores nothing new.
    llm.push({ match: { lastUserIncludes: 'again' }, text: ['same pixel'] });
    const again = await server.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, { content: 'again', images: [png, png] });
    expect((await waitTask(again.body.task.id)).status).toBe('completed');
    expect(await sql`SELECT sha256 FROM images`).toEqual([{ sha256: sha }]);
    expect(await sql`SELECT position FROM message_images WHERE message_id = ${again.body.message.id} ORDER BY position`).toEqual([{ position: 0 }, { position: 1 }]);

    // A reload lists the message with its image references.
    const page = (await server.api<MessagePage>('GET', `/api/chats/${chat.id}/messages`)).body;
    expect(page.items.find((m) => m.id === posted.body.message.id)!.metadata.images).toEqual([{ sha256: sha, mime_type: 'image/png' }]);

    const res = await getImage(sha);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('etag')).toBe(`"${sha}"`);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    const cached = await getImage(sha, { 'if-none-match': `"${sha}"` });
    expect(cached.status).toBe(304);
  });

  it('refuses a request without the token or with a wrong one, and unknown or malformed hashes', async () => {
    expect((await getImage(sha, {}, null)).status).toBe(401);
    expect((await getImage(sha, {}, 'wrong')).status).toBe(401);
    const unknown = await getImage('0'.repeat(64));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error).toBe('not_found');
    expect((await getImage('not-a-hash')).status).toBe(404);
    expect((await getImage(sha.toUpperCase())).status).toBe(404);
  });

  it('serves a stored non-raster type as bytes, never as something a browser would render', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    llm.push({ match: { lastUserIncludes: 'vector' }, text: ['ok'] });
    const posted = await server.api<PostMessageResponse>('POST', `/api/chats/${chat.id}/messages`, {
      content: 'vector',
      images: [{ type: 'image', mime_type: 'image/svg+xml', data: svg.toString('base64') }],
    });
    expect(posted.status).toBe(201);
    await waitTask(posted.body.task.id);
    const res = await getImage(createHash('sha256').update(svg).digest('hex'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
  });

  it('refuses image data that is not base64, naming the part, and stores nothing', async () => {
    const before = (await sql`SELECT count(*)::int AS n FROM messages`)[0]!.n as number;
    const r = await server.api<ErrorBody>('POST', `/api/chats/${chat.id}/messages`, {
      content: 'broken',
      images: [png, { type: 'image', mime_type: 'image/png', data: 'not base64!' }],
    });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_request', message: 'images.1.data: is not base64' });
    expect((await sql`SELECT count(*)::int AS n FROM messages`)[0]!.n).toBe(before);
  });
});
