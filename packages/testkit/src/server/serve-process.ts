import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { atProcessEnd } from '../process-end.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const CLI_SOURCE = path.join(REPO, 'packages/cli/src/main.ts');

export interface CliProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Ends the process: SIGTERM, then SIGKILL if it does not exit in `graceMs`; then any postmaster
   * of its embedded cluster that is still running (one left by a kill -9) gets killed too.
   */
  stop(graceMs?: number): Promise<void>;
}

export interface ServeProcess extends CliProcess {
  url: string;
  loginUrl: string;
}

export interface WorkerProcess extends CliProcess {
  /** The lease owner it writes on the tasks it claims. */
  workerId: string;
}

/** The embedded cluster's data directory, as `serve` prints it (none on an external database). */
const dataDirIn = (stdout: string): string | null => /embedded PostgreSQL \((.+)\)/.exec(stdout)?.[1] ?? null;

/** SIGKILL to a postmaster's process group: it and its backends (it leads its own group). */
function killPostmasters(dataDir: string | null): void {
  for (const pid of dataDir ? postmastersFor(dataDir) : []) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * A `boocode` command as a real child process (from the TypeScript sources), ready once `ready`
 * finds what it waits for in its stdout; rejects with its output when it exits first. If this
 * process ends first (a failed test, Ctrl-C), the child and its postmaster are killed.
 */
function spawnCli<T>(args: string[], env: Record<string, string>, timeoutMs: number, ready: (out: string) => T | null): Promise<CliProcess & T> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI_SOURCE, ...args], {
    cwd: REPO,
    env: { ...process.env, BOOCODE_LOG_LEVEL: process.env.BOOCODE_TEST_LOG ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  const unregister = atProcessEnd(() => {
    if (alive()) child.kill('SIGKILL');
    killPostmasters(dataDirIn(out));
  });
  const stop = async (graceMs = 30_000): Promise<void> => {
    if (alive()) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    killPostmasters(dataDirIn(out));
    unregister();
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${args[0]} did not start in ${timeoutMs} ms:\n${out}\n${err}`));
      void stop(0);
    }, timeoutMs);
    const check = () => {
      const found = ready(out);
      if (found) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve({ child, stdout: () => out, stderr: () => err, exited, stop, ...found });
      }
    };
    child.stdout!.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited early (code ${code}, signal ${signal}):\n${out}\n${err}`));
    });
  });
}

/** `boocode serve`, ready when it prints its URL. */
export function spawnServe(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<ServeProcess> {
  return spawnCli(['serve', ...args], env, timeoutMs, (out) => {
    const url = /BooCode (http:\/\/\S+)/.exec(out)?.[1];
    const loginUrl = /open \(logs you in once\): (\S+)/.exec(out)?.[1];
    return url && loginUrl ? { url, loginUrl } : null;
  });
}

/** `boocode worker`, ready when it prints its id. */
export function spawnWorker(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<WorkerProcess> {
  return spawnCli(['worker', ...args], env, timeoutMs, (out) => {
    const workerId = /BooCode worker (\S+)/.exec(out)?.[1];
    return workerId ? { workerId } : null;
  });
}

/**
 * A `boocode` command that runs to its end (from the TypeScript sources). `env` replaces the
 * BooCode settings of this process's environment: an undefined value leaves one unset.
 */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BOOCODE_')));
  const set = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI_SOURCE, ...args], {
    cwd: REPO,
    env: { ...base, ...set },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Postmaster processes serving `dataDir` (backends rewrite their cmdline, so only the postmaster matches). */
export function postmastersFor(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd: string[];
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const stat = (() => {
      try {
        return readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        return '';
      }
    })();
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
    const d = cmd.indexOf('-D');
    if (path.basename(cmd[0] ?? '') === 'postgres' && d >= 0 && cmd[d + 1] === dataDir) pids.push(Number(entry));
  }
  return pids;
}
