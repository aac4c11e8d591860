import { readFileSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCommandTool, runTool, type ToolContext } from '@boocode/agents';
import { errorOf, makeRepo, resultOf, type TempRepo } from './repo.js';

let repo: TempRepo;
let ctx: ToolContext;
beforeEach(async () => {
  repo = await makeRepo();
  ctx = { root: repo.root, env: process.env };
});
afterEach(() => repo.cleanup());

/** A process's state letter from /proc (R, S, Z, ...), or 'gone'. */
const procState = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] ?? 'gone';
  } catch {
    return 'gone';
  }
};
const node = (code: string, extra: Record<string, unknown> = {}) => ({ command: process.execPath, args: ['-e', code], ...extra });

describe('run_command', () => {
  it('runs a program in the root and reports exit code and output', async () => {
    const r = resultOf(await runTool(runCommandTool, { command: 'git', args: ['status', '--porcelain=v1', '--branch'] }, ctx));
    expect(r.exit_code).toBe(0);
    expect(r.stdout).toContain('## main');
    expect(r.truncated).toBe(false);
    const cwd = resultOf(await runTool(runCommandTool, node('process.stdout.write(process.cwd())'), ctx));
    expect(await realpath(cwd.stdout)).toBe(repo.root);
  });

  it('reports a non-zero exit code and stderr as a completed call', async () => {
    const r = resultOf(await runTool(runCommandTool, node('console.error("bad"); process.exit(3)'), ctx));
    expect(r.exit_code).toBe(3);
    expect(r.stderr).toBe('bad\n');
  });

  it('uses no shell: arguments are passed literally', async () => {
    const r = resultOf(await runTool(runCommandTool, { command: 'echo', args: ['$HOME', '&&', 'rm', '-rf', '*'] }, ctx));
    expect(r.stdout).toBe('$HOME && rm -rf *\n');
    expect(errorOf(await runTool(runCommandTool, { command: 'ls | cat' }, ctx))).toContain('Command not found');
  });

  it('kills a command at its timeout and says so', async () => {
    const err = errorOf(await runTool(runCommandTool, node('setTimeout(() => {}, 20000)', { timeout_ms: 300 }), ctx));
    expect(err).toContain('timed out after 300 ms');
    expect(err).toContain('"timed_out": true');
  });

  it('kills grandchildren too, so a child holding the output pipe cannot outlive the timeout', async () => {
    const code =
      "require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'inherit' });" +
      'setTimeout(() => {}, 20000)';
    expect(errorOf(await runTool(runCommandTool, node(code, { timeout_ms: 300 }), ctx))).toContain('timed out');
  }, 10_000); // Without the group kill the call would wait the grandchild's full 20 s.

  it('kills what the command left running in the background when it exits', async () => {
    // `sleep` detaches its output, so nothing holds the call open: only the group kill stops it.
    const r = resultOf(await runTool(runCommandTool, { command: 'sh', args: ['-c', 'sleep 300 >/dev/null 2>&1 & echo $!'] }, ctx));
    const pid = Number(r.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    try {
      // Dead means gone, or a zombie nobody has reaped yet.
      await vi.waitFor(() => expect(procState(pid)).toMatch(/^(gone|Z)$/), { timeout: 5_000, interval: 50 });
    } finally {
      if (procState(pid) !== 'gone') process.kill(pid, 'SIGKILL');
    }
    // A background process that keeps the output pipe open does not hold the call until its timeout.
    const held = resultOf(await runTool(runCommandTool, { command: 'sh', args: ['-c', 'sleep 300 & echo started'], timeout_ms: 20_000 }, ctx));
    expect(held).toMatchObject({ exit_code: 0, timed_out: false, stdout: 'started\n' });
  });

  it('refuses a timeout over the maximum', async () => {
    expect(errorOf(await runTool(runCommandTool, node('1', { timeout_ms: 120_001 }), ctx))).toContain('Invalid input for run_command');
  });

  it('caps output at 32 KB and marks it truncated', async () => {
    const r = resultOf(await runTool(runCommandTool, node('process.stdout.write("x".repeat(40000)); process.stderr.write("e".repeat(100))'), ctx));
    expect(r.truncated).toBe(true);
    expect(r.stdout.length + r.stderr.length).toBe(32_000);
    expect(r.exit_code).toBe(0);
  });

  it('does not pass secret environment variables to the command', async () => {
    const secret: Record<string, string> = {
      BOOCODE_TEST_API_KEY: 'k1',
      BOOCODE_TEST_TOKEN: 't1',
      MY_SECRET_THING: 's1',
      DB_PASSWORD: 'p1',
      // BooCode's own settings and credentials under names that do not say KEY or TOKEN.
      DATABASE_URL: 'postgres://boocode:hunter2@db:5432/boocode',
      BOOCODE_TEST_PLAIN: 'plain-but-ours',
      BC_TEST_APIKEY: 'k2',
      BC_TEST_GH_PAT: 'ghp_x',
      PGPASS: 'p2',
      PGPASSFILE: '/home/u/.pgpass',
      BC_TEST_NPM_AUTH: 'a1',
      BC_TEST_SENTRY_DSN: 'https://abc@sentry.example/1',
      // A harmless name whose value carries a password.
      BC_TEST_MIRROR: 'https://user:pa55@mirror.example/npm/',
    };
    const plain: Record<string, string> = {
      BC_TEST_PLAIN: 'value-of-plain',
      BC_TEST_URL: 'https://mirror.example:8443/npm/@scope',
      GIT_AUTHOR_NAME: 'Test Author',
    };
    const saved = Object.fromEntries(Object.keys({ ...secret, ...plain }).map((k) => [k, process.env[k]]));
    Object.assign(process.env, secret, plain);
    try {
      const r = resultOf(await runTool(runCommandTool, node('process.stdout.write(JSON.stringify(process.env))'), ctx));
      const env = JSON.parse(r.stdout) as Record<string, string>;
      for (const [k, v] of Object.entries(plain)) expect(env[k], k).toBe(v);
      for (const k of Object.keys(secret)) expect(env[k], k).toBeUndefined();
      for (const v of Object.values(secret)) expect(r.stdout).not.toContain(v);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('hides the variables the context names, whatever they are called', async () => {
    process.env.BC_TEST_LLM = 'the-model-key';
    try {
      const code = 'process.stdout.write(process.env.BC_TEST_LLM ?? "unset")';
      expect(resultOf(await runTool(runCommandTool, node(code), ctx)).stdout).toBe('the-model-key');
      expect(resultOf(await runTool(runCommandTool, node(code), { ...ctx, hiddenEnv: ['BC_TEST_LLM'] })).stdout).toBe('unset');
    } finally {
      delete process.env.BC_TEST_LLM;
    }
  });

  it('stops the command when the turn is cancelled', async () => {
    const ac = new AbortController();
    const pending = runTool(runCommandTool, node('setTimeout(() => {}, 20000)'), { ...ctx, signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    expect(errorOf(await pending)).toContain('cancelled');
  });
});
