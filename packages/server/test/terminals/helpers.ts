import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { TerminalManager, type AttachOptions, type TerminalManagerOptions, type TerminalSnapshot } from '../../src/terminals/index.js';

const run = promisify(execFile);

export const SESSION_A = '0a0a0a0a-0000-4000-8000-00000000000a';
export const SESSION_B = '0b0b0b0b-0000-4000-8000-00000000000b';

/** A temp BOOCODE_HOME with its own tmux server; `cleanup` kills that server and removes the directory. */
export async function tmuxHome() {
  const home = await mkdtemp(path.join(tmpdir(), 'bc-term-'));
  const socket = path.join(home, 'tmux.sock');
  const managers: TerminalManager[] = [];
  return {
    home,
    socket,
    /** tmux on this home's socket, for checks from outside the manager. */
    tmux: async (...args: string[]) => (await run('tmux', ['-S', socket, ...args])).stdout,
    manager(opts: Partial<TerminalManagerOptions> = {}) {
      const m = new TerminalManager({
        home,
        shell: '/bin/sh',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', PS1: '$ ' },
        ...opts,
      });
      managers.push(m);
      return m;
    },
    async cleanup() {
      await Promise.all(managers.map((m) => m.close().catch(() => {})));
      await run('tmux', ['-S', socket, 'kill-server']).catch(() => {});
      await rm(home, { recursive: true, force: true });
    },
  };
}

/**
 * Collects what an attachment receives and lets a test wait for text to show up, resolved by the
 * delivery itself (no polling, no sleeps). `seen` is every snapshot and output chunk, in order.
 */
export function collector() {
  let seen = '';
  let dataBytes = 0;
  const snapshots: TerminalSnapshot[] = [];
  let ended: string | null = null;
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.test()) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const until = (test: () => boolean) =>
    new Promise<void>((resolve) => {
      if (test()) return resolve();
      waiters.push({ test, resolve });
    });
  const opts: AttachOptions = {
    onSnapshot(s) {
      snapshots.push(s);
      seen += s.data.toString('utf8');
      check();
    },
    onData(chunk) {
      dataBytes += chunk.length;
      seen += chunk.toString('utf8');
      check();
    },
    onEnd(reason) {
      ended = reason;
      check();
    },
  };
  return {
    opts,
    get seen() {
      return seen;
    },
    get dataBytes() {
      return dataBytes;
    },
    snapshots,
    get ended() {
      return ended;
    },
    /** Resolves once the received text contains `text` (counting from `from`, a previous length of `seen`). */
    waitFor: (text: string, from = 0) => until(() => seen.indexOf(text, from) !== -1),
    waitForEnd: () => until(() => ended !== null).then(() => ended),
    until,
  };
}

/** Pids of processes whose command line mentions `needle` (the socket path): control clients left behind. */
export async function processesMentioning(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (!cmd.includes(needle) || !cmd.split('\0').includes('-C')) continue;
    pids.push(Number(name));
  }
  return pids;
}
