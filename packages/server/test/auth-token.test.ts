import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RotatedToken } from '@boocode/contracts';
import { startTestServer, type TestServer } from '@boocode/testkit/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ worker: false });
});
afterAll(() => server?.close());

describe('token rotation', () => {
  it('replaces the token in config.json and revokes the old token and every browser login at once', async () => {
    const res = await fetch(server.loginUrl(), { redirect: 'manual' });
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${server.url}/api/projects`, { headers: { cookie } })).status).toBe(200);

    const rotated = await server.api<RotatedToken>('POST', '/api/auth/token/rotate');
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.token;
    expect(fresh).not.toBe(server.token);
    const file = JSON.parse(await readFile(path.join(server.home, 'config.json'), 'utf8')) as { token: string; pg_password: string };
    expect(file.token).toBe(fresh);
    expect(file.pg_password.length).toBeGreaterThan(15);

    expect((await server.api('GET', '/api/projects')).status).toBe(401);
    expect((await fetch(`${server.url}/api/projects`, { headers: { cookie } })).status).toBe(401);
    expect((await server.api('GET', '/api/projects', undefined, { token: fresh })).status).toBe(200);
    expect((await server.api('POST', '/api/auth/token/rotate', undefined, { token: null })).status).toBe(401);
  });
});
