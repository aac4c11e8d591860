import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const CLI_SOURCE = path.join(REPO, 'packages/cli/src/main.ts');
/** As the `boocode` bin starts Node: from sources, with the snapshot off for the workflow sandbox (isolated-vm). */
const NODE_ARGS = ['--no-node-snapshot', '--conditions=source', '--import', 'tsx'];

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  loginUrl: string;
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `boocode serve` as a real child process (from the TypeScript sources), ready when it prints its URL. */
export function spawnServe(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, [...NODE_ARGS, CLI_SOURCE, 'serve', ...args], {
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
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in ${timeoutMs} ms:\n${out}\n${err}`)), timeoutMs);
    const check = () => {
      const url = /BooCode (http:\/\/\S+)/.exec(out)?.[1];
      const login = /open \(logs you in once\): (\S+)/.exec(out)?.[1];
      if (url && login) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve({ child, url, loginUrl: login, stdout: () => out, exited });
      }
    };
    child.stdout!.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited early (code ${code}, signal ${signal}):\n${out}\n${err}`));
    });
  });
}

/**
 * A `boocode` command that runs to its end (from the TypeScript sources). `env` replaces the
 * BooCode settings of this process's environment: an undefined value leaves one unset.
 */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BOOCODE_')));
  const set = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const child = spawn(process.execPath, [...NODE_ARGS, CLI_SOURCE, ...args], {
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
