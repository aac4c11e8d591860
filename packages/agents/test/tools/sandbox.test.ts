import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  probeSandbox,
  runCommandTool,
  runTool,
  SandboxSettings,
  sandboxState,
  type SandboxPolicy,
  type SandboxSettingsInput,
  type ToolContext,
  type ToolOutcome,
} from '@boocode/agents';
import { removeScratch, scratchDir } from '@boocode/testkit';
import { resultOf } from './repo.js';

/**
 * The OS sandbox around run_command, with real bubblewrap and git: a project repository whose
 * session worktrees live in BooCode's home (as the server lays them out), next to its config.json.
 */

let base: string;
let project: string;
let home: string;
let wt: string;
let otherWt: string;
let policy: SandboxPolicy;

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' }).trim();

beforeAll(async () => {
  base = await realpath(scratchDir('boocode-sandbox-'));
  project = path.join(base, 'project');
  home = path.join(base, 'home');
  await mkdir(project);
  await mkdir(path.join(home, 'worktrees'), { recursive: true });
  await writeFile(path.join(home, 'config.json'), '{"token":"TOKEN-IN-CONFIG"}\n');
  await writeFile(path.join(project, 'README.md'), '# project\n');
  git(project, 'init', '-q', '-b', 'main');
  git(project, 'add', '-A');
  git(project, 'commit', '-q', '-m', 'init');
  wt = path.join(home, 'worktrees', 's1');
  otherWt = path.join(home, 'worktrees', 's2');
  git(project, 'worktree', 'add', '-q', '-b', 'boocode/s1', wt);
  git(project, 'worktree', 'add', '-q', '-b', 'boocode/s2', otherWt);
  const probe = await probeSandbox(process.env.PATH ?? '');
  // Real bubblewrap is part of the test machine (.ci/run installs it): its absence is a failure.
  if (!probe.available) throw new Error(`bubblewrap unavailable: ${probe.reason}`);
  policy = { settings: SandboxSettings.parse({}), probe, hide: [home] };
});
afterAll(() => removeScratch(base));

const ctxWith = (settings: SandboxSettingsInput = {}, p: Partial<SandboxPolicy> = {}): ToolContext => ({
  root: wt,
  env: process.env,
  sandbox: { ...policy, settings: SandboxSettings.parse(settings), ...p },
});
const run = async (args: string[], ctx: ToolContext = ctxWith(), timeout_ms?: number): Promise<ToolOutcome> =>
  runTool(runCommandTool, { command: 'sh', args: ['-c', ...args], timeout_ms }, ctx);

describe('run_command in the sandbox', () => {
  it('writes in the worktree and its private /tmp only', async () => {
    const r = resultOf(
      await run([
        `echo ok > made.txt && echo tmp > /tmp/t && cat /tmp/t; echo x > ${project}/escaped.txt; echo rc=$?; cp made.txt ${base}/copied.txt; echo rc=$?`,
      ]),
    );
    expect(r.stdout).toContain('tmp\n');
    // Under /tmp (as here) such writes land in the private /tmp; elsewhere they fail. Never outside.
    expect(await readFile(path.join(wt, 'made.txt'), 'utf8')).toBe('ok\n');
    await expect(readFile(path.join(project, 'escaped.txt'))).rejects.toThrow();
    await expect(readFile(path.join(base, 'copied.txt'))).rejects.toThrow();
  });

  it('hides BooCode home: config.json and the other worktrees', async () => {
    const r = resultOf(await run([`cat ${home}/config.json; echo rc=$?; ls ${otherWt}; echo rc=$?; echo x > ${otherWt}/x; echo rc=$?`]));
    expect(r.stdout).not.toContain('TOKEN-IN-CONFIG');
    expect(r.stdout).not.toContain('rc=0');
    await expect(readFile(path.join(otherWt, 'x'))).rejects.toThrow();
  });

  it('shows no process of the server: /proc/$PPID/environ holds only the scrubbed environment', async () => {
    process.env.SANDBOX_TEST_MARKER = 'visible-marker';
    process.env.SANDBOX_TEST_TOKEN = 'secret-marker';
    try {
      const r = resultOf(await run(['cat /proc/$PPID/environ | tr "\\0" "\\n"; echo; ls /proc | grep -c "^[0-9]"; cat /proc/' + process.pid + '/cmdline; echo rc=$?']));
      expect(r.stdout).toContain('SANDBOX_TEST_MARKER=visible-marker');
      expect(r.stdout).not.toContain('secret-marker');
      // The server's own process is not there to read.
      expect(r.stdout).toContain('rc=1');
      // Only the sandbox's own few processes exist in its PID namespace.
      const count = Number(r.stdout.split('\n').find((l) => /^\d+$/.test(l)));
      expect(count).toBeLessThan(10);
    } finally {
      delete process.env.SANDBOX_TEST_MARKER;
      delete process.env.SANDBOX_TEST_TOKEN;
    }
  });

  it('keeps the shared git config, hooks and other branches read-only while committing on the session branch', async () => {
    const before = await readFile(path.join(project, '.git', 'config'), 'utf8');
    const s2 = git(project, 'rev-parse', 'boocode/s2');
    const r = resultOf(
      await run([
        'echo change > change.txt && git add change.txt && git -c user.email=a@b -c user.name=a commit -q -m sandboxed && echo committed; ' +
          'git config core.hooksPath /tmp/evil; echo hooks=$?; ' +
          `echo evil > ${project}/.git/hooks/pre-commit; echo hook=$?; ` +
          'git branch other; echo branch=$?; ' +
          'git update-ref refs/heads/boocode/s2 HEAD; echo s2=$?; git update-ref refs/heads/main HEAD; echo main=$?; ' +
          'echo "gitdir: /tmp" > .git; echo pointer=$?',
      ]),
    );
    expect(r.stdout).toContain('committed');
    for (const k of ['hooks', 'hook', 'branch', 's2', 'main', 'pointer']) expect(r.stdout).not.toContain(`${k}=0`);
    expect(git(wt, 'log', '-1', '--format=%s')).toBe('sandboxed');
    expect(git(project, 'log', '-1', '--format=%s', 'boocode/s1')).toBe('sandboxed');
    expect(await readFile(path.join(project, '.git', 'config'), 'utf8')).toBe(before);
    expect(git(project, 'rev-parse', 'boocode/s2')).toBe(s2);
    expect(git(project, 'branch', '--list', 'other')).toBe('');
    expect(git(project, 'log', '-1', '--format=%s', 'main')).toBe('init');
    await expect(readFile(path.join(project, '.git', 'hooks', 'pre-commit'))).rejects.toThrow();
  });

  it('ends every process a command started, and returns at the timeout', async () => {
    const patterns = [
      'setsid sleep 970001',
      'setsid -f sleep 970002',
      'sh -c "(setsid sleep 970003 &)"',
      'nohup setsid sleep 970004',
      `node -e 'require("child_process").spawn("sleep", ["970005"], { detached: true, stdio: "ignore" }).unref()'`,
    ];
    for (const p of patterns) {
      const o = await run([p], ctxWith(), 2000);
      // Those that block time out; the others return when the command exits. Either way: a result.
      if (!o.ok) expect(o.error).toContain('timed out after 2000 ms');
    }
    await vi.waitFor(async () => expect(await processesMatching('97000')).toEqual([]), { timeout: 10_000, interval: 100 });
  });

  it('cuts the network when the setting says so', async () => {
    const server: Server = createServer((s) => s.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const probe = `node -e 'require("net").connect(${port}, "127.0.0.1").on("data", d => console.log(String(d))).on("error", e => console.log(e.code))'`;
    try {
      expect(resultOf(await run([probe])).stdout).toContain('hello');
      const off = resultOf(await run([probe], ctxWith({ network: false })));
      expect(off.stdout).not.toContain('hello');
      expect(off.stdout).toMatch(/ECONNREFUSED|ENETUNREACH/);
    } finally {
      server.close();
    }
  });

  it('refuses to run without a sandbox when one is required, and runs unconfined when not', async () => {
    const missing = { available: false as const, reason: 'bubblewrap (bwrap) is not installed' };
    const refused = await run(['echo ran'], ctxWith({ mode: 'required' }, { probe: missing }));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toContain('sandbox is required');
    const unconfined = resultOf(await run([`cat ${home}/config.json`], ctxWith({ mode: 'auto' }, { probe: missing })));
    expect(unconfined.stdout).toContain('TOKEN-IN-CONFIG');
  });

  it('says in the agent row whether commands are confined, and why not', () => {
    expect(sandboxState(policy)).toEqual({ state: 'on', network: true, detail: null });
    const missing = { available: false as const, reason: 'bubblewrap (bwrap) is not installed' };
    expect(sandboxState({ ...policy, probe: missing }).detail).toBe('bubblewrap (bwrap) is not installed; commands run unconfined');
    expect(sandboxState({ ...policy, probe: missing, settings: SandboxSettings.parse({ mode: 'required' }) }).detail).toContain('commands are refused');
    expect(sandboxState({ ...policy, settings: SandboxSettings.parse({ mode: 'off' }) }).state).toBe('off');
  });

  it('says "Command not found" for a program missing inside the sandbox', async () => {
    const o = await runTool(runCommandTool, { command: 'no-such-program-here' }, ctxWith());
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.error).toContain('Command not found');
  });
});

describe('run_command without a sandbox', () => {
  it('returns when a process it started escaped its group and holds the output pipe', async () => {
    const o = await runTool(runCommandTool, { command: 'sh', args: ['-c', '(setsid sleep 970011 &)'], timeout_ms: 5000 }, { root: wt, env: process.env });
    expect(resultOf(o).exit_code).toBe(0);
    for (const pid of await processesMatching('970011')) process.kill(pid, 'SIGKILL');
  });
});

/** Pids of live processes whose command line contains `marker`. */
async function processesMatching(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8');
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      if (cmd.includes(marker) && !cmd.includes('sh\0-c') && stat.replace(/^.*\) /s, '')[0] !== 'Z') pids.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}
