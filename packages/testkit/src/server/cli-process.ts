import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { atProcessEnd } from '../process-end.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
/** The built `boocode` binary's entry (run it with this Node). */
export const CLI_BIN = path.join(REPO, 'packages/cli/bin/boocode.js');
const CLI_BUILT = path.join(REPO, 'packages/cli/dist/boocode.mjs');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Written to stdin, which is then closed (stdin is empty otherwise). */
  input?: string | Buffer;
}

/** A `boocode` command still running: its output so far, and ways to wait on it. */
export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the output once `pattern` appears in it (rejects if the command ends first). */
  waitForOutput(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<string>;
  exited: Promise<CliResult>;
}

/**
 * The built `boocode` (packages/cli/bin/boocode.js; `npm run build` first) as a child process.
 * `env` replaces the BooCode settings and NO_COLOR of this process's environment: an undefined
 * value leaves one unset.
 */
export function spawnCli(args: string[], env: Record<string, string | undefined> = {}, opts: CliOptions = {}): RunningCli {
  if (!existsSync(CLI_BUILT)) throw new Error('the CLI is not built: run `npm run build` first');
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BOOCODE_') && k !== 'NO_COLOR'));
  const set = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: opts.cwd ?? REPO, env: { ...base, ...set }, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.end(opts.input ?? '');
  // A test that fails while the command still follows a stream must not leave it running.
  const unregister = atProcessEnd(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const out = { stdout: '', stderr: '' };
  const waiters: { pattern: RegExp; stream: 'stdout' | 'stderr'; resolve: (s: string) => void; reject: (e: Error) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (!w.pattern.test(out[w.stream])) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(out[w.stream]);
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => ((out.stdout += d), check()));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => ((out.stderr += d), check()));
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      unregister();
      for (const w of waiters.splice(0)) w.reject(new Error(`boocode ${args.join(' ')} ended (code ${code}) before ${w.pattern} appeared:\n${out.stdout}\n${out.stderr}`));
      resolve({ code, signal, ...out });
    });
  });
  return {
    child,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    exited,
    waitForOutput(pattern, stream = 'stdout') {
      if (pattern.test(out[stream])) return Promise.resolve(out[stream]);
      if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error(`boocode ${args.join(' ')} has ended`));
      return new Promise((resolve, reject) => waiters.push({ pattern, stream, resolve, reject }));
    },
  };
}

/** A `boocode` command that runs to its end (the built binary, see `spawnCli`). */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, opts: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, env, opts).exited;
}
