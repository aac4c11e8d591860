import { realpath } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommandTool, runTool, type RunCommandResult, type ToolContext, type ToolOutcome } from '@boocode/agents';
import { makeRepo, type TempRepo } from './repo.js';

let repo: TempRepo;
let ctx: ToolContext;
beforeEach(async () => {
  repo = await makeRepo();
  ctx = { root: repo.root };
});
afterEach(() => repo.cleanup());

const resultOf = (o: ToolOutcome): RunCommandResult => {
  if (!o.ok) throw new Error(`expected success, got: ${o.error}`);
  return JSON.parse(o.output) as RunCommandResult;
};
const errorOf = (o: ToolOutcome): string => {
  if (o.ok) throw new Error(`expected a failure, got: ${o.output}`);
  return o.error;
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
    const names = ['BOOCODE_TEST_API_KEY', 'BOOCODE_TEST_TOKEN', 'MY_SECRET_THING', 'DB_PASSWORD', 'BOOCODE_TEST_PLAIN'];
    for (const n of names) process.env[n] = 'value-of-' + n;
    try {
      const r = resultOf(await runTool(runCommandTool, node('process.stdout.write(JSON.stringify(process.env))'), ctx));
      const env = JSON.parse(r.stdout) as Record<string, string>;
      expect(env.BOOCODE_TEST_PLAIN).toBe('value-of-BOOCODE_TEST_PLAIN');
      for (const n of names.slice(0, 4)) expect(env[n], n).toBeUndefined();
      expect(r.stdout).not.toContain('value-of-BOOCODE_TEST_API_KEY');
    } finally {
      for (const n of names) delete process.env[n];
    }
  });

  it('stops the command when the turn is cancelled', async () => {
    const ac = new AbortController();
    const pending = runTool(runCommandTool, node('setTimeout(() => {}, 20000)'), { ...ctx, signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    expect(errorOf(await pending)).toContain('cancelled');
  });
});
