import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TerminalError, TMUX_MISSING_MESSAGE } from '../../src/terminals/index.js';
import { collector, processesMentioning, SESSION_A, SESSION_B, tmuxHome } from './helpers.js';

let env: Awaited<ReturnType<typeof tmuxHome>>;
afterEach(async () => {
  await env?.cleanup();
});

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (err: unknown) => (err instanceof TerminalError ? err.code : `untyped: ${String(err)}`),
  );

describe('terminals in tmux', () => {
  it('creates a shell in the given directory, takes typed input and streams its output', async () => {
    env = await tmuxHome();
    const m = env.manager();
    const cwd = path.join(env.home, 'work tree');
    await mkdir(cwd);
    const t = await m.create({ sessionId: SESSION_A, cwd, name: 'dev server' });
    expect(t).toMatchObject({ session_id: SESSION_A, name: 'dev server', cwd, cols: 80, rows: 24 });
    expect(await m.list(SESSION_A)).toEqual([t]);
    expect(await m.list(SESSION_B)).toEqual([]);

    const out = collector();
    const a = await m.attach(t.id, out.opts);
    expect(out.snapshots[0]).toMatchObject({ reason: 'attach', cols: 80, rows: 24 });
    await a.write('echo "hel""lo-$((6*7))" "$BOOCODE_TERMINAL_ID"; pwd\r');
    await out.waitFor(`hello-42 ${t.id}`);
    await out.waitFor(cwd);
    // Non-ASCII input arrives as the same UTF-8 bytes.
    await a.write('echo "gr\u00fc\u00df-\u65e5\u672c-$((1+1))"\r');
    await out.waitFor('gr\u00fc\u00df-\u65e5\u672c-2');
    expect(await m.capture(t.id)).toContain('hello-42');
  });

  it('takes input from two clients at once, and both see all of it', async () => {
    env = await tmuxHome();
    const m = env.manager();
    const t = await m.create({ sessionId: SESSION_A, cwd: env.home });
    const one = collector();
    const two = collector();
    const a = await m.attach(t.id, one.opts);
    const b = await m.attach(t.id, two.opts);
    await Promise.all([a.write('echo first-$((1+1))\r'), b.write('echo second-$((2+2))\r'), a.write('echo third-$((3+3))\r')]);
    for (const c of [one, two]) {
      await c.waitFor('first-2');
      await c.waitFor('second-4');
      await c.waitFor('third-6');
    }
  });

  it('resizes the tmux window, and refuses absurd sizes with a typed error', async () => {
    env = await tmuxHome();
    const m = env.manager();
    const t = await m.create({ sessionId: SESSION_A, cwd: env.home, cols: 90, rows: 20 });
    const pane = `=boocode-${SESSION_A}-${t.id}:`;
    expect((await env.tmux('display', '-p', '-t', pane, '#{window_width}x#{window_height}')).trim()).toBe('90x20');
    const out = collector();
    const a = await m.attach(t.id, out.opts);
    await a.resize({ cols: 132, rows: 43 });
    expect((await env.tmux('display', '-p', '-t', pane, '#{window_width}x#{window_height}')).trim()).toBe('132x43');
    // The shell sees the new size too.
    await a.write('stty size\r');
    await out.waitFor('43 132');
    await m.resize(t.id, { cols: 100, rows: 30 });
    expect((await m.get(t.id)).cols).toBe(100);

    for (const size of [{ cols: 0, rows: 24 }, { cols: 100_000, rows: 24 }, { cols: 80, rows: -1 }, { cols: 80.5, rows: 24 }, { cols: Number.NaN, rows: 24 }]) {
      expect(await code(a.resize(size))).toBe('invalid_terminal_size');
    }
    await expect(m.resize(t.id, { cols: 5000, rows: 10 })).rejects.toThrow(/cols must be an integer from 2 to 1000/);
    expect(await code(m.create({ sessionId: SESSION_A, cwd: env.home, cols: 1, rows: 24 }))).toBe('invalid_terminal_size');
    expect((await env.tmux('display', '-p', '-t', pane, '#{window_width}')).trim()).toBe('100');
  });

  it('a new manager on the same home finds the running terminals and reattaching shows earlier output', async () => {
    env = await tmuxHome();
    const before = env.manager();
    const t = await before.create({ sessionId: SESSION_A, cwd: env.home, name: 'build' });
    const out = collector();
    const a = await before.attach(t.id, out.opts);
    await a.write('echo before-$((40+2))\r');
    await out.waitFor('before-42');
    // The server goes away: its control connections end, the shells stay in tmux.
    await before.close();
    expect(await out.waitForEnd()).toBe('closed');

    const after = env.manager();
    expect(await after.list()).toEqual([t]);
    const again = collector();
    const b = await after.attach(t.id, again.opts);
    expect(again.snapshots[0]!.data.toString()).toContain('before-42');
    await b.write('echo after-$((1+2))\r');
    await again.waitFor('after-3');
    // The earlier output is searchable after the restart too.
    const found = await after.search(t.id, { pattern: '^before-\\d+$' });
    expect(found.matches.map((x) => x.text)).toEqual(['before-42']);
  });

  it('kills one terminal, all of a session, and notices a shell that exits', async () => {
    env = await tmuxHome();
    const m = env.manager();
    const t1 = await m.create({ sessionId: SESSION_A, cwd: env.home });
    const t2 = await m.create({ sessionId: SESSION_A, cwd: env.home });
    const t3 = await m.create({ sessionId: SESSION_A, cwd: env.home });
    const other = await m.create({ sessionId: SESSION_B, cwd: env.home });

    const killed = collector();
    await m.attach(t1.id, killed.opts);
    await m.kill(t1.id);
    expect(await killed.waitForEnd()).toBe('killed');
    expect(await code(m.get(t1.id))).toBe('terminal_not_found');
    expect(await code(m.kill(t1.id))).toBe('terminal_not_found');

    const exited = collector();
    const a = await m.attach(t2.id, exited.opts);
    await a.write('exit\r');
    expect(await exited.waitForEnd()).toBe('exited');
    expect(await code(a.write('echo too late\r'))).toBe('terminal_exited');

    expect((await m.list(SESSION_A)).map((t) => t.id)).toEqual([t3.id]);
    expect(await m.killSession(SESSION_A)).toBe(1);
    expect(await m.list(SESSION_A)).toEqual([]);
    expect((await m.list()).map((t) => t.id)).toEqual([other.id]);
  });

  it('renames, sends text and keys, and captures plain or with escapes', async () => {
    env = await tmuxHome();
    const m = env.manager();
    const t = await m.create({ sessionId: SESSION_A, cwd: env.home });
    expect((await m.rename(t.id, 'tests \u2713')).name).toBe('tests \u2713');
    expect((await m.get(t.id)).name).toBe('tests \u2713');
    const out = collector();
    await m.attach(t.id, out.opts);
    await m.sendKeys(t.id, { text: "printf '\\033[31mred-%s\\033[0m\\n' $((2*21))", keys: ['Enter'] });
    await out.waitFor('red-42');
    expect(await m.capture(t.id)).toMatch(/^red-42$/m);
    expect(await m.capture(t.id, { escapes: true })).toMatch(/\x1b\[31mred-42/);
    // C-c interrupts what runs (the marker is printed from inside the foreground job); the shell answers again.
    await m.sendKeys(t.id, { text: `sh -c 'echo sleep""ing; exec sleep 600'`, keys: ['Enter'] });
    await out.waitFor('sleeping');
    await m.sendKeys(t.id, { keys: ['C-c'] });
    await m.sendKeys(t.id, { text: 'echo back-$((5+5))', keys: ['Enter'] });
    await out.waitFor('back-10');
  });

  it('refuses bad input with typed errors naming the problem', async () => {
    env = await tmuxHome();
    const m = env.manager();
    const t = await m.create({ sessionId: SESSION_A, cwd: env.home });
    expect(await code(m.get('8c1f0a52-6f0e-4f4e-9a63-2d1c1d6c2b1a'))).toBe('terminal_not_found');
    expect(await code(m.get('not-an-id'))).toBe('terminal_not_found');
    expect(await code(m.attach('../etc', collector().opts))).toBe('terminal_not_found');
    expect(await code(m.rename(t.id, 'broken \ud800 name'))).toBe('invalid_terminal_name');
    expect(await code(m.rename(t.id, 'bell\u0007'))).toBe('invalid_terminal_name');
    expect(await code(m.rename(t.id, '   '))).toBe('invalid_terminal_name');
    expect(await code(m.create({ sessionId: SESSION_A, cwd: env.home, name: 'x'.repeat(65) }))).toBe('invalid_terminal_name');
    expect(await code(m.create({ sessionId: SESSION_A, cwd: path.join(env.home, 'missing') }))).toBe('invalid_terminal_cwd');
    expect(await code(m.create({ sessionId: SESSION_A, cwd: 'relative/dir' }))).toBe('invalid_terminal_cwd');
    expect(await code(m.sendKeys(t.id, { keys: ['Enter ; kill-server'] }))).toBe('invalid_terminal_input');
    expect(await code(m.sendKeys(t.id, { text: 'half a pair \udc00' }))).toBe('invalid_terminal_input');
    expect(await code(m.sendKeys(t.id, {}))).toBe('invalid_terminal_input');
    // Nothing of the above reached tmux: the terminal is the only one and still answers.
    expect((await m.list()).map((x) => x.id)).toEqual([t.id]);
    const out = collector();
    const a = await m.attach(t.id, out.opts);
    await a.write('echo still-$((3*3))\r');
    await out.waitFor('still-9');
  });

  it('answers a clear error when tmux is missing, and nothing else breaks', async () => {
    env = await tmuxHome();
    const missing = env.manager({ tmuxPath: path.join(env.home, 'no-such-dir', 'tmux') });
    for (const call of [() => missing.list(), () => missing.create({ sessionId: SESSION_A, cwd: env.home }), () => missing.get('8c1f0a52-6f0e-4f4e-9a63-2d1c1d6c2b1a')]) {
      const err = await call().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(TerminalError);
      expect(err).toMatchObject({ code: 'tmux_missing', message: TMUX_MISSING_MESSAGE });
    }
    // Archiving a session still works: without tmux it has no terminals to kill.
    expect(await missing.killSession(SESSION_A)).toBe(0);
    // A working manager next to it is unaffected.
    const m = env.manager();
    const t = await m.create({ sessionId: SESSION_A, cwd: env.home });
    expect((await m.list()).map((x) => x.id)).toEqual([t.id]);
  });

  it('snapshots a full-screen program on top of the normal screen and its scrollback', async () => {
    env = await tmuxHome();
    const m = env.manager();
    const t = await m.create({ sessionId: SESSION_A, cwd: env.home });
    const first = collector();
    const a = await m.attach(t.id, first.opts);
    await a.write(`echo normal-$((1+1)); printf '\\033[?1049h\\033[H\\033[?25lalt-screen-%s' $((2+2)); read x\r`);
    await first.waitFor('alt-screen-4');
    const later = collector();
    await m.attach(t.id, later.opts);
    const snap = later.snapshots[0]!.data.toString();
    expect(snap.indexOf('normal-2')).toBeGreaterThan(-1);
    expect(snap.indexOf('\x1b[?1049h')).toBeGreaterThan(snap.indexOf('normal-2'));
    expect(snap.indexOf('alt-screen-4')).toBeGreaterThan(snap.indexOf('\x1b[?1049h'));
    // Cursor after the text on the first row, and hidden as the program asked.
    expect(snap).toMatch(/\x1b\[1;13H\x1b\[\?25l$/);
  });

  it('reconnects when its control client dies while the shell lives', async () => {
    env = await tmuxHome();
    const m = env.manager();
    const t = await m.create({ sessionId: SESSION_A, cwd: env.home });
    const out = collector();
    const a = await m.attach(t.id, out.opts);
    await a.write('echo one-$((0+1))\r');
    await out.waitFor('one-1');
    const [pid] = await processesMentioning(env.socket);
    process.kill(pid!, 'SIGKILL');
    await out.until(() => out.snapshots.length === 2);
    expect(out.snapshots[1]).toMatchObject({ reason: 'resync' });
    expect(out.snapshots[1]!.data.toString()).toContain('one-1');
    expect(out.ended).toBeNull();
    const mark = out.seen.length;
    await a.write('echo two-$((1+1))\r');
    await out.waitFor('two-2', mark);
    expect(await processesMentioning(env.socket)).not.toContain(pid);
  });

  it('leaves no control client processes behind', async () => {
    env = await tmuxHome();
    const m = env.manager();
    const t1 = await m.create({ sessionId: SESSION_A, cwd: env.home });
    const t2 = await m.create({ sessionId: SESSION_A, cwd: env.home });
    await m.attach(t1.id, collector().opts);
    await m.attach(t2.id, collector().opts);
    expect(await processesMentioning(env.socket)).toHaveLength(2);
    const ended = collector();
    await m.attach(t1.id, ended.opts);
    await m.kill(t1.id);
    await ended.waitForEnd();
    await m.close();
    expect(await processesMentioning(env.socket)).toEqual([]);
    // The terminal itself still runs in tmux.
    expect((await env.tmux('list-sessions', '-F', '#{session_name}')).trim()).toBe(`boocode-${SESSION_A}-${t2.id}`);
  });
});
