import { realpath } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureTerminalResponse, ErrorBody, Project, Session, Terminal, TerminalList, TerminalSearchResult } from '@boocode/contracts';
import { killTmuxServer, makeGitRepo, openTerminalStream, startTestServer, TERMINAL_TEST_ENV, type TestServer } from '@boocode/testkit/server';

/** The terminal routes and stream of a real server, against real tmux. */

let server: TestServer;
let repo: string;
const missing = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  server = await startTestServer({ worker: false, env: { ...TERMINAL_TEST_ENV, BOOCODE_TERMINALS_PER_SESSION: '3' } });
  repo = await makeGitRepo({ 'a.txt': 'a\n' });
});
afterAll(async () => {
  await server?.close();
  if (server) await killTmuxServer(server.home);
});

/** Polls the API until `test` holds (the terminal's screen, read through capture). */
async function until(test: () => Promise<boolean>): Promise<void> {
  while (!(await test())) await new Promise((r) => setTimeout(r, 100));
}

const expectError = (r: { status: number; body: unknown }, status: number, code: string, mentions?: string) => {
  expect({ status: r.status, error: (r.body as ErrorBody).error }).toEqual({ status, error: code });
  if (mentions) expect((r.body as ErrorBody).message).toContain(mentions);
};

let project: Project;
async function newSession(isolated: boolean): Promise<Session> {
  project ??= (await server.api<Project>('POST', '/api/projects', { path: repo })).body;
  const r = await server.api<Session>('POST', '/api/sessions', { project_id: project.id, isolated });
  expect(r.status).toBe(201);
  return r.body;
}
async function newTerminal(sessionId: string, body: object = {}): Promise<Terminal> {
  const r = await server.api<Terminal>('POST', `/api/sessions/${sessionId}/terminals`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

describe('terminal routes', () => {
  it('starts a shell in the session worktree (isolated) or the project root, lists, renames and kills it', async () => {
    const isolated = await newSession(true);
    const t = await newTerminal(isolated.id, { name: 'dev server', cols: 100, rows: 30 });
    expect(t).toMatchObject({ session_id: isolated.id, name: 'dev server', cols: 100, rows: 30 });
    // The worktree was made for the terminal, as it is for a first turn.
    expect((await server.api('GET', `/api/sessions/${isolated.id}/diff`)).body).not.toBeNull();
    expect(t.cwd).toContain(`${server.home}/worktrees/`);
    expect(t.cwd).not.toBe(await realpath(repo));

    const shared = await newSession(false);
    const u = await newTerminal(shared.id);
    expect(u.cwd).toBe(await realpath(repo));

    expect((await server.api<TerminalList>('GET', `/api/sessions/${isolated.id}/terminals`)).body.items).toEqual([t]);
    const all = (await server.api<TerminalList>('GET', '/api/terminals')).body.items;
    expect(all.map((x) => x.id)).toEqual(expect.arrayContaining([t.id, u.id]));
    const renamed = await server.api<Terminal>('PATCH', `/api/terminals/${t.id}`, { name: 'tests' });
    expect(renamed.body).toMatchObject({ id: t.id, name: 'tests' });
    expect((await server.api<Terminal>('GET', `/api/terminals/${t.id}`)).body.name).toBe('tests');

    expect((await server.api('DELETE', `/api/terminals/${t.id}`)).status).toBe(204);
    expectError(await server.api('GET', `/api/terminals/${t.id}`), 404, 'terminal_not_found', t.id);
    expect((await server.api<TerminalList>('GET', `/api/sessions/${isolated.id}/terminals`)).body.items).toEqual([]);
  });

  it('types keys, captures the screen, resizes, and searches with line numbers and context', async () => {
    const s = await newSession(false);
    const t = await newTerminal(s.id);
    const out = await openTerminalStream(server.url, t.id, { token: server.token });
    expect((await server.api('POST', `/api/terminals/${t.id}/keys`, { text: 'for i in 1 2 3 4 5 6; do echo line-$i; done; echo end-$((40+2))', keys: ['Enter'] })).status).toBe(204);
    await out.waitForText('end-42');
    const cap = await server.api<CaptureTerminalResponse>('GET', `/api/terminals/${t.id}/capture?lines=100`);
    expect(cap.body.text).toContain('line-3\nline-4');

    const found = await server.api<TerminalSearchResult>('POST', `/api/terminals/${t.id}/search`, { pattern: '^line-[35]$', context: 1 });
    expect(found.status).toBe(200);
    expect(found.body.matches.map(({ text, before, after }) => ({ text, before, after }))).toEqual([
      { text: 'line-3', before: ['line-2'], after: ['line-4'] },
      { text: 'line-5', before: ['line-4'], after: ['line-6'] },
    ]);
    expect(found.body.matches[1]!.line - found.body.matches[0]!.line).toBe(2);

    const resized = await server.api<Terminal>('POST', `/api/terminals/${t.id}/resize`, { cols: 132, rows: 40 });
    expect(resized.body).toMatchObject({ cols: 132, rows: 40 });
    // The attached client is told, so its screen follows.
    await out.waitForMessage((m) => m.type === 'resize' && m.cols === 132 && m.rows === 40);
    out.close();
  });

  it('refuses bad input with a 4xx naming the problem', async () => {
    const s = await newSession(false);
    const t = await newTerminal(s.id);
    expectError(await server.api('GET', `/api/terminals/${missing}`), 404, 'terminal_not_found', missing);
    expectError(await server.api('POST', `/api/terminals/${missing}/keys`, { text: 'x' }), 404, 'terminal_not_found');
    expectError(await server.api('GET', '/api/terminals/not-a-uuid'), 404, 'not_found');
    expectError(await server.api('POST', `/api/sessions/${missing}/terminals`, {}), 404, 'not_found', missing);
    expectError(await server.api('POST', `/api/sessions/${s.id}/terminals`, { cols: 100000, rows: 24 }), 400, 'invalid_request', 'cols');
    expectError(await server.api('POST', `/api/terminals/${t.id}/resize`, { cols: 0, rows: 24 }), 400, 'invalid_request', 'cols');
    expectError(await server.api('POST', `/api/terminals/${t.id}/resize`, { cols: 80, rows: 2.5 }), 400, 'invalid_request', 'rows');
    expectError(await server.api('PATCH', `/api/terminals/${t.id}`, { name: 'a\u0007b' }), 400, 'invalid_request', 'control characters');
    expectError(await server.api('PATCH', `/api/terminals/${t.id}`, { name: '' }), 400, 'invalid_request', 'name');
    expectError(await server.api('POST', `/api/terminals/${t.id}/keys`, { keys: ['Enter; kill-server'] }), 400, 'invalid_request', 'tmux key name');
    expectError(await server.api('POST', `/api/terminals/${t.id}/keys`, {}), 400, 'invalid_request', 'text, keys or both');
    // A lone surrogate (escaped in JSON) and raw bytes that are not UTF-8: refused, never typed as U+FFFD.
    expectError(await server.api('POST', `/api/terminals/${t.id}/keys`, '{"text":"a\\ud800b"}'), 400, 'invalid_request', 'UTF-8');
    const raw = await fetch(`${server.url}/api/terminals/${t.id}/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: Buffer.concat([Buffer.from('{"text":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ error: 'invalid_request', message: 'body: is not valid UTF-8' });
    // Patterns: RE2 refuses what needs backtracking; huge programs are too expensive; empty is a field error.
    expectError(await server.api('POST', `/api/terminals/${t.id}/search`, { pattern: '(a+)\\1' }), 400, 'invalid_pattern');
    expectError(await server.api('POST', `/api/terminals/${t.id}/search`, { pattern: '((a{100}){100}){100}' }), 400, 'pattern_too_expensive');
    expectError(await server.api('POST', `/api/terminals/${t.id}/search`, { pattern: '' }), 400, 'invalid_request', 'pattern');
    // The catastrophic-backtracking classic is ordinary linear work here.
    expect((await server.api('POST', `/api/terminals/${t.id}/search`, { pattern: '^(a+)+$' })).status).toBe(200);
    expectError(await server.api('GET', `/api/terminals/${t.id}/capture?lines=-1`), 400, 'invalid_request', 'lines');
  });

  it('caps terminals per session, refuses archived sessions, and archiving kills the terminals', async () => {
    const s = await newSession(true);
    const made = [await newTerminal(s.id), await newTerminal(s.id), await newTerminal(s.id)];
    expectError(await server.api('POST', `/api/sessions/${s.id}/terminals`, {}), 409, 'terminal_limit', 'at most 3');
    const out = await openTerminalStream(server.url, made[0]!.id, { token: server.token });
    await out.waitForMessage((m) => m.type === 'snapshot');
    expect((await server.api('POST', `/api/sessions/${s.id}/archive`, {})).status).toBe(200);
    expect(await out.waitForMessage((m) => m.type === 'exit')).toEqual({ type: 'exit', reason: 'killed' });
    expect((await out.closed).code).toBe(4100);
    expect((await server.api<TerminalList>('GET', `/api/sessions/${s.id}/terminals`)).body.items).toEqual([]);
    for (const t of made) expectError(await server.api('GET', `/api/terminals/${t.id}`), 404, 'terminal_not_found');
    expectError(await server.api('POST', `/api/sessions/${s.id}/terminals`, {}), 409, 'session_archived');
  });
});

describe('terminal stream', () => {
  it('opens with hello and a snapshot of screen and scrollback, then live output; input from two clients at once', async () => {
    const s = await newSession(false);
    const t = await newTerminal(s.id);
    expect((await server.api('POST', `/api/terminals/${t.id}/keys`, { text: 'echo before-$((1+1))', keys: ['Enter'] })).status).toBe(204);
    const first = await openTerminalStream(server.url, t.id, { token: server.token });
    await first.waitForText('before-2');
    const second = await openTerminalStream(server.url, t.id, { token: server.token });
    // The earlier output reached the second client through its snapshot, which came before any output.
    await second.waitForText('before-2');
    expect(second.hello).toMatchObject({ type: 'hello', protocol: expect.any(Number) });
    expect(second.messages[0]).toEqual({ type: 'snapshot', reason: 'attach', cols: 80, rows: 24 });
    expect(second.offsets[0]).toBe(0);

    const mark = second.text.length;
    first.type('echo one-$((2+2))\r');
    second.type('echo two-$((3+3))\r');
    first.type('echo thr\u00e9e-$((4+4))\r');
    for (const c of [first, second]) {
      await c.waitForText('one-4');
      await c.waitForText('two-6');
      await c.waitForText('thr\u00e9e-8');
    }
    expect(second.text.indexOf('one-4', mark)).toBeGreaterThan(-1);

    // Resize through the socket: every client is told; an absurd size is refused and the stream goes on.
    first.sendText(JSON.stringify({ type: 'resize', cols: 120, rows: 33 }));
    await second.waitForMessage((m) => m.type === 'resize' && m.cols === 120);
    first.sendText(JSON.stringify({ type: 'resize', cols: 5000, rows: 33 }));
    const refused = await first.waitForMessage((m) => m.type === 'error');
    expect(refused).toMatchObject({ type: 'error', error: 'invalid_terminal_size', message: expect.stringContaining('5000x33') });
    first.sendText('not json');
    await first.waitForMessage((m) => m.type === 'error' && m.error === 'invalid_request' && m.message.includes('binary frames'));
    first.sendText(JSON.stringify({ type: 'paste', text: 'x' }));
    await first.waitForMessage((m) => m.type === 'error' && m.message.startsWith('type:'));
    // Raw bytes are input as they are, whatever they are: the shell still answers afterwards.
    first.type(Buffer.from([0xff, 0xfe, 0x0d]));
    first.type('echo still-$((5+5))\r');
    await first.waitForText('still-10');
    expect((await server.api<Terminal>('GET', `/api/terminals/${t.id}`)).body).toMatchObject({ cols: 120, rows: 33 });

    // The shell exits: every client is told, and the socket closes for good.
    second.type('exit\r');
    expect(await first.waitForMessage((m) => m.type === 'exit')).toEqual({ type: 'exit', reason: 'exited' });
    expect((await second.closed).code).toBe(4100);
  });

  it('checks token, Origin and the terminal before upgrading', async () => {
    const s = await newSession(false);
    const t = await newTerminal(s.id);
    await expect(openTerminalStream(server.url, t.id, { token: null })).rejects.toMatchObject({ status: 401 });
    await expect(openTerminalStream(server.url, t.id, { token: 'wrong' })).rejects.toMatchObject({ status: 401 });
    await expect(openTerminalStream(server.url, t.id, { token: server.token, origin: 'http://evil.example' })).rejects.toMatchObject({ status: 403 });
    const unknown = openTerminalStream(server.url, missing, { token: server.token });
    await expect(unknown).rejects.toMatchObject({ status: 404 });
    await expect(unknown).rejects.toThrow(/terminal_not_found/);
    const ok = await openTerminalStream(server.url, t.id, { token: server.token, origin: server.url });
    await ok.waitForMessage((m) => m.type === 'snapshot');
    ok.close();
  });

  it('drops a client that does not read instead of buffering for it', async () => {
    // No throttling here: all the output goes out, and the client that does not read falls behind.
    const slow = await startTestServer({
      worker: false,
      env: { ...TERMINAL_TEST_ENV, BOOCODE_WS_MAX_BUFFER: String(64 * 1024), BOOCODE_TERMINAL_MAX_BPS: String(1 << 30) },
    });
    try {
      const p = (await slow.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
      const s = (await slow.api<Session>('POST', '/api/sessions', { project_id: p.id, isolated: false })).body;
      const t = (await slow.api<Terminal>('POST', `/api/sessions/${s.id}/terminals`, {})).body;
      const stalled = await openTerminalStream(slow.url, t.id, { token: slow.token });
      await stalled.waitForMessage((m) => m.type === 'snapshot');
      // Stop reading from the socket: what the server sends piles up in its buffer.
      stalled.ws.pause();
      // 6.7 MB: more than the kernel's socket buffers hold (about 4 MB on loopback) for a client that stopped
      // reading. Typed and watched through the API: a second socket might fall behind too on a busy machine.
      await slow.api('POST', `/api/terminals/${t.id}/keys`, { text: 'seq 1 900000; echo done-$((7*6))', keys: ['Enter'] });
      await until(async () => (await slow.api<CaptureTerminalResponse>('GET', `/api/terminals/${t.id}/capture`)).body.text.includes('done-42'));
      stalled.ws.resume();
      expect((await stalled.closed).code).toBe(4008);
      expect(stalled.messages.at(-1)).toEqual({ type: 'exit', reason: 'slow_consumer' });
      // The terminal and its other clients are unaffected: a new one attaches and types.
      const next = await openTerminalStream(slow.url, t.id, { token: slow.token });
      await next.waitForText('done-42');
      next.type('echo alive-$((1+1))\r');
      await next.waitForText('alive-2');
      next.close();
    } finally {
      await slow.close();
      await killTmuxServer(slow.home);
    }
  }, 180_000);
});

describe('without tmux', () => {
  it('answers a clear error on the terminal routes and nothing else breaks', async () => {
    const bare = await startTestServer({ worker: false, env: { BOOCODE_TMUX: '/nonexistent/tmux' } });
    try {
      const p = (await bare.api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) })).body;
      const s = (await bare.api<Session>('POST', '/api/sessions', { project_id: p.id, isolated: true })).body;
      expectError(await bare.api('POST', `/api/sessions/${s.id}/terminals`, {}), 503, 'tmux_missing', 'apt-get install tmux');
      expectError(await bare.api('GET', `/api/sessions/${s.id}/terminals`), 503, 'tmux_missing');
      expectError(await bare.api('GET', `/api/terminals/${missing}`), 503, 'tmux_missing');
      await expect(openTerminalStream(bare.url, missing, { token: bare.token })).rejects.toMatchObject({ status: 503 });
      // No worktree was made for a terminal that could not start.
      expect((await bare.api('GET', `/api/sessions/${s.id}/diff`)).body).toBeNull();
      expect((await bare.api('GET', '/api/health')).status).toBe(200);
      expect((await bare.api('POST', `/api/sessions/${s.id}/archive`, {})).status).toBe(200);
      expect((await bare.api('DELETE', `/api/projects/${p.id}`)).status).toBe(204);
    } finally {
      await bare.close();
    }
  });
});
