import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Project, Session } from '@boocode/contracts';
import { ApiClient, ApiClientError, errorText, routeUrl, ServerUnreachableError } from '@boocode/client';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';

let server: TestServer;
let client: ApiClient;
/** A server on a port that answers like something other than BooCode. */
let stranger: Server;
let strangerUrl: string;

beforeAll(async () => {
  server = await startTestServer();
  client = new ApiClient({ baseUrl: server.url, token: server.token });
  stranger = createServer((req, res) => {
    if (req.url === '/api/projects') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [{ id: 'nope' }] }));
    } else if (req.url === '/api/health') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>');
    } else {
      res.writeHead(502, { 'content-type': 'text/plain' }).end('Bad Gateway from the proxy');
    }
  });
  await new Promise<void>((r) => stranger.listen(0, '127.0.0.1', r));
  strangerUrl = `http://127.0.0.1:${(stranger.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await server?.close();
  await new Promise((r) => stranger?.close(r));
});

describe('ApiClient', () => {
  it('calls routes by name with typed input and validated, typed output', async () => {
    const health = await client.call('health');
    expect(health.ok).toBe(true);
    const project = await client.call('createProject', { body: { path: await makeGitRepo() } });
    expectTypeOf(project).toEqualTypeOf<Project>();
    const session = await client.call('createSession', { body: { project_id: project.id, name: 'typed' } });
    expectTypeOf(session).toEqualTypeOf<Session>();
    expect((await client.call('getSession', { params: { id: session.id } })).name).toBe('typed');
    const chats = await client.call('listChats', { params: { id: session.id } });
    const page = await client.call('listMessages', { params: { id: chats.items[0]!.id }, query: { limit: 5 } });
    expect(page.items).toEqual([]);
    // A route without a response body resolves to nothing.
    expect(await client.call('deleteProject', { params: { id: project.id } })).toBeUndefined();
  });

  it("turns the server's refusals into ApiClientError with status, code and message", async () => {
    const missing = await client.call('getSession', { params: { id: '00000000-0000-4000-8000-000000000000' } }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiClientError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    const bad = await client.call('createProject', { body: { path: '' } }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400, code: 'invalid_request' });
    expect((bad as ApiClientError).message).toMatch(/path/);
  });

  it('says when the token is refused, and tells the listener', async () => {
    let told = 0;
    const wrong = new ApiClient({ baseUrl: server.url, token: 'w'.repeat(40), onUnauthorized: () => told++ });
    const err = await wrong.call('listProjects').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(told).toBe(1);
    // Health answers without a token: no 401, nobody told.
    await wrong.call('health');
    expect(told).toBe(1);
  });

  it('refuses an answer the contracts do not accept, naming the route', async () => {
    const c = new ApiClient({ baseUrl: strangerUrl });
    const shape = await c.call('listProjects').catch((e: unknown) => e);
    expect(shape).toMatchObject({ status: 200, code: 'invalid_response' });
    expect((shape as Error).message).toMatch(/^unexpected response from GET \/api\/projects: /);
    const html = await c.call('health').catch((e: unknown) => e);
    expect(html).toMatchObject({ code: 'invalid_response' });
    expect((html as Error).message).toContain('not JSON: <html>hello</html>');
    const proxy = await c.call('listSessions').catch((e: unknown) => e);
    expect(proxy).toMatchObject({ status: 502, code: 'http_502', message: 'Bad Gateway from the proxy' });
  });

  it('throws ServerUnreachableError, saying so, when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    const err = await new ApiClient({ baseUrl: url }).call('health').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerUnreachableError);
    expect(err).not.toBeInstanceOf(ApiClientError);
    expect(errorText(err)).toMatch(new RegExp(`^cannot reach the server at ${url}: `));
  });

  it('passes an abort through as it is', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const err = await client.call('listProjects', undefined, { signal: ctl.signal }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(ServerUnreachableError);
    expect((err as Error).name).toBe('AbortError');
  });
});

describe('routeUrl', () => {
  it('fills in and encodes params, and leaves out empty query values', () => {
    expect(routeUrl('/api/sessions/:id/changes', { id: 'a/b c' })).toBe('/api/sessions/a%2Fb%20c/changes');
    expect(routeUrl('/api/chats/:id/messages', { id: 'x' }, { before: undefined, limit: 5, tags: ['a', 'b'] })).toBe(
      '/api/chats/x/messages?limit=5&tags=a&tags=b',
    );
    expect(() => routeUrl('/api/tasks/:id', {})).toThrow('/api/tasks/:id: no value for :id');
  });
});
