import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project, Session, Terminal, TerminalList, TerminalSearchResult, CaptureTerminalResponse } from '@boocode/contracts';
import { killTmuxServer, makeGitRepo, openTerminalStream, runCli, startTestServer, TERMINAL_TEST_ENV, type TestServer } from '@boocode/testkit/server';
import { jsonOf, lines, ptyCli } from './helpers.js';

/** `boocode terminal` against a real server and real tmux. */

let server: TestServer;
let env: Record<string, string>;
let session: Session;

beforeAll(async () => {
  server = await startTestServer({ worker: false, env: TERMINAL_TEST_ENV });
  env = { BOOCODE_URL: server.url, BOOCODE_TOKEN: server.token };
  const project = jsonOf(Project, await runCli(['project', 'add', await makeGitRepo({ 'a.txt': 'a\n' }), '--json'], env));
  session = (await server.api<Session>('POST', '/api/sessions', { project_id: project.id, isolated: false })).body;
});
afterAll(async () => {
  await server?.close();
  if (server) await killTmuxServer(server.home);
});

describe('boocode terminal', () => {
  it('new, ls, send, capture, search and kill, by a short id', async () => {
    const t = jsonOf(Terminal, await runCli(['terminal', 'new', session.id.slice(0, 8), '--name', 'build', '--cols', '100', '--rows', '30', '--json'], env));
    expect(t).toMatchObject({ session_id: session.id, name: 'build', cols: 100, rows: 30 });
    const short = t.id.slice(0, 8);
    expect(jsonOf(TerminalList, await runCli(['terminal', 'ls', '--json'], env)).items.map((x) => x.id)).toContain(t.id);
    expect(lines((await runCli(['terminal', 'ls', session.id, '-q'], env)).stdout)).toEqual([t.id]);
    const table = await runCli(['terminal', 'ls'], env);
    expect(table.stdout).toMatch(new RegExp(`${short}\\s+${session.id.slice(0, 8)}\\s+build\\s+100x30`));

    const watch = await openTerminalStream(server.url, t.id, { token: server.token });
    const sent = await runCli(['terminal', 'send', short, 'for i in 1 2 3 4 5; do echo row-$i; done; echo end-$((6*7))', '--enter'], env);
    expect(sent.code).toBe(0);
    await watch.waitForText('end-42');
    watch.close();
    expect((await runCli(['terminal', 'capture', short], env)).stdout).toContain('row-3\nrow-4');
    expect(jsonOf(CaptureTerminalResponse, await runCli(['terminal', 'capture', short, '--lines', '50', '--json'], env)).text).toContain('end-42');

    const grep = await runCli(['terminal', 'search', short, '^row-[24]$', '-C', '1'], env);
    expect(grep.code).toBe(0);
    const m = /(\d+)-row-1\n(\d+):row-2\n(\d+)-row-3\n(\d+):row-4\n(\d+)-row-5\n/.exec(grep.stdout);
    expect(m, grep.stdout).not.toBeNull();
    const result = jsonOf(TerminalSearchResult, await runCli(['terminal', 'search', short, 'ROW-5', '-i', '--json'], env));
    expect(result.matches.map((x) => x.text)).toEqual(['row-5']);

    const renamed = jsonOf(Terminal, await runCli(['terminal', 'rename', short, 'tests', '--json'], env));
    expect(renamed).toMatchObject({ id: t.id, name: 'tests' });
    const badName = await runCli(['terminal', 'rename', short, ' '], env);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('name');

    const killed = await runCli(['terminal', 'kill', short, '-q'], env);
    expect(lines(killed.stdout)).toEqual([t.id]);
    expect(jsonOf(TerminalList, await runCli(['terminal', 'ls', '--json'], env)).items.map((x) => x.id)).not.toContain(t.id);
  });

  it('refuses bad input with a message and the exit code of its kind', async () => {
    const t = jsonOf(Terminal, await runCli(['terminal', 'new', session.id, '--json'], env));
    const unknown = await runCli(['terminal', 'capture', 'ffff0000'], env);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('no running terminal with an id starting ffff0000');
    const short = await runCli(['terminal', 'kill', 'ab'], env);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 4 characters');
    const size = await runCli(['terminal', 'new', session.id, '--cols', '5000'], env);
    expect(size.code).toBe(2);
    expect(size.stderr).toContain('--cols must be an integer from 2 to 1000');
    const pattern = await runCli(['terminal', 'search', t.id, '(a+)\\1'], env);
    expect(pattern.code).toBe(2);
    expect(pattern.stderr).toContain('invalid_pattern');
    const expensive = await runCli(['terminal', 'search', t.id, '((a{100}){100}){100}'], env);
    expect(expensive.code).toBe(2);
    expect(expensive.stderr).toContain('pattern_too_expensive');
    const nothing = await runCli(['terminal', 'send', t.id], env);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('give text to type, --key or --enter');
    const key = await runCli(['terminal', 'send', t.id, '--key', 'Enter;kill-server'], env);
    expect(key.code).toBe(2);
    expect(key.stderr).toContain('tmux key name');
    const piped = await runCli(['terminal', 'attach', t.id], env);
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain('attach needs a terminal');
    await runCli(['terminal', 'kill', t.id], env);
  });

  it('attach works in a real terminal: raw keys, the remote size follows the window, Ctrl-] detaches', async () => {
    const t = jsonOf(Terminal, await runCli(['terminal', 'new', session.id, '--json'], env));
    await server.api('POST', `/api/terminals/${t.id}/keys`, { text: 'echo before-$((1+1))', keys: ['Enter'] });
    const cli = await ptyCli(['terminal', 'attach', t.id.slice(0, 8)], env, process.cwd());
    // The snapshot first: what was printed before attaching.
    await cli.waitForOutput(/before-2/);
    // The terminal takes this window's size (the pty is 200x50).
    await expect.poll(async () => (await server.api<Terminal>('GET', `/api/terminals/${t.id}`)).body, { timeout: 10_000 }).toMatchObject({ cols: 200, rows: 50 });
    // Raw mode: keys go as typed, Ctrl-C included (the remote shell gets the interrupt, not the CLI).
    cli.write('sleep 100');
    await cli.waitForOutput(/sleep 100/);
    cli.write('\x03');
    // The shell drops what it reads before it handles the interrupt: the next line waits for its new prompt.
    await cli.waitForOutput(/\^C[\s\S]*\$ $/);
    cli.write('echo typed-$((3*3))\r');
    await cli.waitForOutput(/typed-9/);
    cli.resize(120, 40);
    await expect.poll(async () => (await server.api<Terminal>('GET', `/api/terminals/${t.id}`)).body, { timeout: 10_000 }).toMatchObject({ cols: 120, rows: 40 });
    cli.write('\x1d');
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain('detached; the terminal keeps running');
    // Still running, and a new attach ends when the shell exits.
    const again = await ptyCli(['terminal', 'attach', t.id], env, process.cwd());
    await again.waitForOutput(/typed-9/);
    again.write('exit\r');
    expect(await again.exited).toBe(0);
    expect(again.output()).toContain('exited');
  }, 180_000);
});
