import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Project, Session, Terminal, TerminalList } from '@boocode/contracts';
import { TerminalSocket, terminalStreamUrl, type BinaryWebSocketLike } from '@boocode/client';
import { createTestDatabase, killTmuxServer, makeGitRepo, spawnServe, type ServeProcess } from '@boocode/testkit/server';

/** kill -9 of the BooCode server: the shells live on in tmux, and a restarted server reattaches them. */

const children: ServeProcess[] = [];
const homes: string[] = [];
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  for (const h of homes) await killTmuxServer(h);
});

const apiFor = (base: string, token: string) => async <T>(method: string, url: string, body?: unknown) => {
  const res = await fetch(base + url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
};

/** The client package's terminal socket on Node 20 (no global WebSocket), and what it received as text. */
function attach(baseUrl: string, terminalId: string, token: string) {
  let text = '';
  const decoder = new TextDecoder();
  const waiters = new Set<() => void>();
  const statuses: string[] = [];
  const socket = new TerminalSocket({
    url: terminalStreamUrl(baseUrl, terminalId),
    open: (url) => new WebSocket(url, { headers: { authorization: `Bearer ${token}` } }) as unknown as BinaryWebSocketLike,
    onSnapshot: () => {
      text = '';
    },
    onOutput: (bytes) => {
      text += decoder.decode(bytes, { stream: true });
      for (const w of [...waiters]) w();
    },
    onStatus: (s) => {
      statuses.push(s);
      for (const w of [...waiters]) w();
    },
  });
  socket.start();
  const until = (test: () => boolean) =>
    new Promise<void>((resolve) => {
      if (test()) return resolve();
      const w = () => {
        if (!test()) return;
        waiters.delete(w);
        resolve();
      };
      waiters.add(w);
    });
  return {
    socket,
    statuses,
    get text() {
      return text;
    },
    waitForText: (needle: string) => until(() => text.includes(needle)),
    waitForStatus: (s: string) => until(() => statuses.at(-1) === s),
  };
}

describe('terminals across a server crash', () => {
  it('kill -9 the server, restart it on the same home, reattach and find the earlier output', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'bc-term-crash-'));
    homes.push(home);
    const env = { SHELL: '/bin/sh', DATABASE_URL: await createTestDatabase() };
    const first = await spawnServe(['--port', '0', '--home', home], env);
    children.push(first);
    const token = (JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8')) as { token: string }).token;
    let api = apiFor(first.url, token);
    const project = (await api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
    const session = (await api<Session>('POST', '/api/sessions', { project_id: project.id, isolated: false })).body;
    const t = (await api<Terminal>('POST', `/api/sessions/${session.id}/terminals`, { name: 'survivor' })).body;

    const before = attach(first.url, t.id, token);
    await before.waitForStatus('live');
    before.socket.write('export MARK=$((6*7)); echo before-crash-$MARK\r');
    await before.waitForText('before-crash-42');

    first.child.kill('SIGKILL');
    await first.exited;
    // The client notices and keeps trying.
    await before.waitForStatus('reconnecting');
    before.socket.stop();

    const second = await spawnServe(['--port', '0', '--home', home], env);
    children.push(second);
    api = apiFor(second.url, token);
    const listed = (await api<TerminalList>('GET', `/api/sessions/${session.id}/terminals`)).body.items;
    expect(listed).toMatchObject([{ id: t.id, name: 'survivor', pid: t.pid }]);

    const after = attach(second.url, t.id, token);
    // The snapshot holds what was printed before the crash; the same shell (its variable) answers.
    await after.waitForText('before-crash-42');
    after.socket.write('echo still-$MARK-$((1+1))\r');
    await after.waitForText('still-42-2');
    after.socket.stop();

    const found = await api<{ matches: { text: string }[] }>('POST', `/api/terminals/${t.id}/search`, { pattern: '^before-crash-\\d+$' });
    expect(found.body.matches.map((m) => m.text)).toEqual(['before-crash-42']);
    second.child.kill('SIGTERM');
    await second.exited;
  }, 180_000);
});
