import { afterAll, describe, expect, it } from 'vitest';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Project, Session } from '@boocode/contracts';
import { scratchDir } from '@boocode/testkit';
import { makeGitRepo, postmastersFor, spawnServe, spawnWorker, type ServeProcess } from '@boocode/testkit/server';

const running: ServeProcess[] = [];
afterAll(() => Promise.all(running.map((p) => p.stop())));

async function api<T>(base: string, token: string, method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(base + url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const dataDirOf = (p: ServeProcess) => /embedded PostgreSQL \((.+)\)/.exec(p.stdout())![1]!;

describe('boocode serve as a process', () => {
  it('survives kill -9: the next start reuses the data and runs exactly one postmaster', async () => {
    const home = scratchDir('boocode-crash-');
    const first = await spawnServe(['--port', '0', '--home', home]);
    running.push(first);
    expect(first.stdout()).toContain(`data directory:          ${home}`);
    // Once discovery ends, the banner says which agents can run turns; without a provider the native one cannot.
    await expect.poll(() => first.stdout(), { timeout: 60_000 }).toMatch(/ {2}agents:\n(?: {4}\S+ +.+\n)* {4}native +not usable: no provider: set BOOCODE_NATIVE_BASE_URL/);
    const dataDir = dataDirOf(first);
    const token = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(path.join(home, 'config.json'), 'utf8'))).token as string;
    const repo = await makeGitRepo();
    const project = (await api<Project>(first.url, token, 'POST', '/api/projects', { path: repo })).body;
    const session = (await api<Session>(first.url, token, 'POST', '/api/sessions', { project_id: project.id, name: 'keep me' })).body;

    first.child.kill('SIGKILL');
    await first.exited;
    // The orphaned postmaster is still there after the crash.
    expect(postmastersFor(dataDir)).toHaveLength(1);

    const second = await spawnServe(['--port', '0', '--home', home]);
    running.push(second);
    expect(dataDirOf(second)).toBe(dataDir);
    expect(postmastersFor(dataDir)).toHaveLength(1);
    const got = await api<Session>(second.url, token, 'GET', `/api/sessions/${session.id}`);
    expect(got.status).toBe(200);
    expect(got.body.name).toBe('keep me');
    const projects = await api<{ items: Project[] }>(second.url, token, 'GET', '/api/projects');
    expect(projects.body.items.map((p) => p.path)).toEqual([await realpath(repo)]);

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(postmastersFor(dataDir)).toHaveLength(0);
  });

  it('exits 0 on SIGINT and stops its database; refuses a second server and a worker on the same home', async () => {
    const home = scratchDir('boocode-int-');
    const p = await spawnServe(['--port', '0', '--home', home]);
    running.push(p);
    const dataDir = dataDirOf(p);
    await expect(spawnServe(['--port', '0', '--home', home], {}, 20_000)).rejects.toThrow(/another BooCode server/);
    // It runs its own worker, with its frames in its process: another worker would go unseen.
    await expect(spawnWorker(['--home', home], { DATABASE_URL: '' }, 20_000)).rejects.toThrow(/restart it with `boocode serve --no-worker`/);
    p.child.kill('SIGINT');
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(postmastersFor(dataDir)).toHaveLength(0);
  });

  it('rejects a bad --port with a message and a non-zero exit', async () => {
    await expect(spawnServe(['--port', 'eighty'], {}, 20_000)).rejects.toThrow(/--port: must be a port number/);
  });

  it('rejects a bad setting in the environment, naming it, before starting anything', async () => {
    const home = scratchDir('boocode-badenv-');
    await expect(spawnServe(['--home', home], { BOOCODE_CONCURRENCY: 'lots' }, 20_000)).rejects.toThrow(
      /BOOCODE_CONCURRENCY: must be a positive integer \(got "lots"\)/,
    );
    await expect(spawnServe(['--home', home], { BOOCODE_LOG_LEVEL: 'chatty' }, 20_000)).rejects.toThrow(/BOOCODE_LOG_LEVEL: /);
  });
});
