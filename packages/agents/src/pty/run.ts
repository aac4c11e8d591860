import { errorMessage } from '../external/logger.js';
import { signalGroup, trackGroup } from '../external/process.js';
import { TerminalText } from './terminal-text.js';

type PtyModule = typeof import('@lydell/node-pty');

let ptyModule: Promise<PtyModule> | null = null;

/** node-pty is a native addon: loaded only when a terminal agent first runs, never by the server's start. */
function loadPty(): Promise<PtyModule> {
  ptyModule ??= import('@lydell/node-pty');
  return ptyModule;
}

export interface PtyRunOptions {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal: AbortSignal;
  /** Clean text, as it completes. */
  onText(text: string): void;
  /** How long output must pause before a partial line is given out. Default 200 ms. */
  quietMs?: number;
  /** How long the group gets after SIGTERM (cancel, timeout) before SIGKILL. Default 3 s. */
  graceMs?: number;
  /** Told the process group once it runs (its leader's pid). */
  onStart?(pid: number): void;
}

export type PtyOutcome =
  | { kind: 'exited'; code: number; signal: number | null; tail: string }
  | { kind: 'cancelled' }
  | { kind: 'timed_out' }
  | { kind: 'not_started'; error: string };

/** Lines of output kept for the message of a failed run. */
const TAIL_LINES = 12;

/**
 * Runs a command once in a pseudo-terminal, so it prints as it would for a person (progress,
 * colours: cleaned by TerminalText), and waits for it to end. The command leads a session and
 * process group of its own: cancel and the time limit signal the whole group, and whatever the
 * command left running in the background is killed once it has exited.
 */
export async function runInPty(o: PtyRunOptions): Promise<PtyOutcome> {
  if (o.signal.aborted) return { kind: 'cancelled' };
  const pty = await loadPty();
  let term: import('@lydell/node-pty').IPty;
  try {
    term = pty.spawn(o.command, o.args, { name: 'xterm-256color', cols: 160, rows: 48, cwd: o.cwd, env: o.env });
  } catch (err) {
    return { kind: 'not_started', error: errorMessage(err) };
  }
  const pid = term.pid;
  const untrack = trackGroup(pid);
  o.onStart?.(pid);

  const text = new TerminalText();
  let tail = '';
  const give = (s: string): void => {
    if (!s) return;
    tail = (tail + s).slice(-8_000);
    o.onText(s);
  };
  let quiet: NodeJS.Timeout | null = null;
  const dataSub = term.onData((chunk) => {
    give(text.push(chunk));
    if (quiet) clearTimeout(quiet);
    quiet = setTimeout(() => give(text.flushPartial()), o.quietMs ?? 200);
  });

  let stopping: 'cancelled' | 'timed_out' | null = null;
  let killTimer: NodeJS.Timeout | null = null;
  const stop = (why: 'cancelled' | 'timed_out'): void => {
    if (stopping) return;
    stopping = why;
    signalGroup(pid, 'SIGTERM');
    killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), o.graceMs ?? 3_000);
  };
  const onAbort = (): void => stop('cancelled');
  o.signal.addEventListener('abort', onAbort, { once: true });
  const deadline = setTimeout(() => stop('timed_out'), o.timeoutMs);

  const exit = await new Promise<{ exitCode: number; signal?: number }>((resolve) => term.onExit(resolve));
  // Background children of the command end with it: a one-shot run leaves nothing behind.
  signalGroup(pid, 'SIGKILL');
  untrack();
  clearTimeout(deadline);
  if (killTimer) clearTimeout(killTimer);
  if (quiet) clearTimeout(quiet);
  o.signal.removeEventListener('abort', onAbort);
  dataSub.dispose();
  give(text.end());

  if (stopping) return { kind: stopping };
  return { kind: 'exited', code: exit.exitCode, signal: exit.signal ? exit.signal : null, tail: lastLines(tail, TAIL_LINES) };
}

function lastLines(s: string, n: number): string {
  return s.trimEnd().split('\n').slice(-n).join('\n');
}
