import { spawn } from 'node:child_process';
import type { Env } from '../../external/env.js';
import { sandboxCommand, sandboxSpawnError, type SandboxPolicy } from '../../sandbox/index.js';
import { scrubbedEnv } from './env.js';

/** Shared by run_command and the check-after-write loop: one way to run a program safely. */

export interface ExecOptions {
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Characters of stdout and of stderr kept in memory each; the rest is drained and counted. */
  keepChars?: number;
  /** The environment the command starts from, before secret-looking variables are dropped. */
  env: Env;
  /** Variables dropped from the command's environment besides the secret-looking ones. */
  hiddenEnv?: readonly string[];
  /** Runs the command inside the sandbox this policy asks for (none: as it is). */
  sandbox?: SandboxPolicy;
}

export interface ExecResult {
  /** Null when the process was killed by a signal (timeout, cancellation) or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when more output arrived than `keepChars`. */
  overflow: boolean;
  timedOut: boolean;
  cancelled: boolean;
  /** The program could not be started: an errno code such as ENOENT or EACCES. */
  spawnError: string | null;
  /** Refused before starting: the sandbox is required and unavailable. */
  refused: string | null;
  /** Ran inside the sandbox. */
  sandboxed: boolean;
  durationMs: number;
}

const DEFAULT_KEEP_CHARS = 1024 * 1024;
/**
 * After the command exits, how long its output pipes may stay open. A process that escaped its
 * group (`setsid`, outside the sandbox) holds them for as long as it lives; the call must still return.
 */
const PIPE_GRACE_MS = 200;

/**
 * Runs a program with an argument array and no shell (execFile semantics: no injection, pipes or
 * expansion). Built on spawn rather than execFile for two reasons: execFile drops the `detached`
 * option, and we need the child in its own process group so a timeout, a cancel or the command's
 * own exit can kill grandchildren (npm -> sh -> node) that would otherwise outlive it and keep the
 * pipes open; and execFile kills a command whose output exceeds maxBuffer, while here the command
 * finishes and its output is cut.
 */
export async function execNoShell(command: string, args: string[], opts: ExecOptions): Promise<ExecResult> {
  const started = performance.now();
  const keep = opts.keepChars ?? DEFAULT_KEEP_CHARS;
  const run = await sandboxCommand(opts.sandbox, opts.cwd, command, args);
  if (!run.ok) {
    return { exitCode: null, signal: null, stdout: '', stderr: '', overflow: false, timedOut: false, cancelled: false, spawnError: null, refused: run.error, sandboxed: false, durationMs: 0 };
  }
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let overflow = false;
    let timedOut = false;
    let cancelled = false;
    let spawnError: string | null = null;

    const child = spawn(run.command, run.args, {
      cwd: opts.cwd,
      env: scrubbedEnv(opts.env, opts.hiddenEnv),
      shell: false,
      detached: true,
      windowsHide: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    // Output past `keep` is read and dropped so the command never blocks on a full pipe.
    const append = (cur: string, d: string): string => {
      if (cur.length + d.length > keep) overflow = true;
      return cur.length >= keep ? cur : cur + d.slice(0, keep - cur.length);
    };
    child.stdout.on('data', (d: string) => {
      stdout = append(stdout, d);
    });
    child.stderr.on('data', (d: string) => {
      stderr = append(stderr, d);
    });

    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    const onAbort = (): void => {
      cancelled = true;
      killGroup();
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });

    let graceTimer: NodeJS.Timeout | undefined;
    // No background processes: whatever the command left running in its group dies when it exits,
    // rather than outliving the call or holding the output pipes (and so the call) open. In the
    // sandbox the PID namespace ends with the command, taking every process it started along.
    child.on('exit', () => {
      killGroup();
      graceTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, PIPE_GRACE_MS);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      spawnError = err.code ?? err.message;
    });
    // 'close' (not 'exit'): fires after the pipes are drained (or cut after the grace), and also
    // after a spawn error.
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      const exitCode = spawnError ? null : (child.exitCode ?? code);
      const startError = spawnError ?? (run.sandboxed ? sandboxSpawnError(stderr, exitCode) : null);
      resolve({
        exitCode: startError ? null : exitCode,
        signal: child.signalCode ?? sig,
        stdout,
        stderr: startError ? '' : stderr,
        overflow,
        timedOut,
        cancelled,
        spawnError: startError,
        refused: null,
        sandboxed: run.sandboxed,
        durationMs: Math.round(performance.now() - started),
      });
    });
  });
}
