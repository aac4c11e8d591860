import { spawn } from 'node:child_process';
import { gitBaseEnv } from './base-env.js';
import { GitCommandError } from './errors.js';

/**
 * Variables that would point git at another repository, index or work tree. Inherited ones (a server
 * started from a git hook, a test run inside `git rebase -x`) must not leak into our invocations.
 */
const REPO_LOCATION_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
  'GIT_LITERAL_PATHSPECS',
  'GIT_GLOB_PATHSPECS',
  'GIT_NOGLOB_PATHSPECS',
  'GIT_ICASE_PATHSPECS',
];

/**
 * Options every invocation gets: raw (unquoted) UTF-8 paths, no colour, and no optional locks so
 * read-only commands such as `status` never rewrite the user's index behind their back.
 */
const BASE_ARGS = ['--no-optional-locks', '-c', 'core.quotepath=false', '-c', 'color.ui=false'];

export interface GitOptions {
  cwd: string;
  /** Written to git's stdin (patches, NUL-separated path lists, commit messages). */
  input?: string | Buffer;
  /** Added to (and overriding) the cleaned inherited environment. */
  env?: Readonly<Record<string, string>>;
  /** Exit codes that are answers rather than failures (e.g. 1 from `merge-tree` = conflicts). */
  okCodes?: readonly number[];
  signal?: AbortSignal;
}

export interface GitOutput {
  stdout: Buffer;
  stderr: string;
  code: number;
}

export function gitEnv(extra?: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...gitBaseEnv() };
  for (const k of REPO_LOCATION_ENV) delete env[k];
  // Stable, parseable messages and no credential prompt hanging a server-side call.
  env.LC_ALL = 'C';
  env.GIT_TERMINAL_PROMPT = '0';
  return { ...env, ...extra };
}

/**
 * Runs git with an argument array (never a shell). Output is collected as buffers because patches can
 * be tens of megabytes (execFile's maxBuffer would cut them) and may hold non-UTF-8 bytes.
 */
export function runGit(args: readonly string[], opts: GitOptions): Promise<GitOutput> {
  const fullArgs = [...BASE_ARGS, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn('git', fullArgs, {
      cwd: opts.cwd,
      env: gitEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      signal: opts.signal,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    // git may exit before reading all of stdin (e.g. a failing `apply --check`); that EPIPE is not
    // the error worth reporting, the exit status is.
    child.stdin.on('error', () => {});
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      const exit = code ?? -1;
      if (exit === 0 || (opts.okCodes?.includes(exit) ?? false)) {
        resolve({ stdout: Buffer.concat(out), stderr, code: exit });
      } else {
        reject(new GitCommandError(args, code, stderr));
      }
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** `runGit` returning stdout as UTF-8 text. */
export async function git(args: readonly string[], opts: GitOptions): Promise<string> {
  return (await runGit(args, opts)).stdout.toString('utf8');
}

/** Splits NUL-terminated output (`-z`) into its records. */
export function splitNul(text: string): string[] {
  const parts = text.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}
