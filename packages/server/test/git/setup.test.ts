import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandOutputChunk } from '@boocode/contracts';
import {
  archiveSessionWorktree,
  diffWorktree,
  ensureSessionWorktree,
  GitDomainError,
  loadProjectConfig,
  parseProjectConfig,
  runCommand,
} from '../../src/git/index.js';
import { readMeta } from '../../src/git/layout.js';
import { makeProject, read, sh, tempDir, write, type Fixture } from './helpers.js';

const PROJECT_ID = '22222222-2222-4222-8222-222222222222';
const SESSION = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const node = process.execPath;

let fx: Fixture;
afterEach(() => fx?.cleanup());

function opts(over: Partial<Parameters<typeof ensureSessionWorktree>[0]> = {}) {
  return { home: fx.home, projectId: PROJECT_ID, projectPath: fx.project, sessionId: SESSION, sessionSlug: 'setup', ...over };
}

function writeConfig(config: unknown): void {
  write(fx.project, '.boocode/config.json', typeof config === 'string' ? config : JSON.stringify(config));
}

async function rejection(p: Promise<unknown>): Promise<GitDomainError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GitDomainError);
  return err as GitDomainError;
}

describe('project config', () => {
  it('is empty when the file is missing and parsed when present', async () => {
    fx = makeProject();
    expect(await loadProjectConfig(fx.project)).toEqual({});
    writeConfig({ setup: [['npm', 'ci']], teardown: [['make', 'clean']], copy: ['.env', 'config/*.local'], check: ['tsc'] });
    expect(await loadProjectConfig(fx.project)).toEqual({
      setup: [['npm', 'ci']],
      teardown: [['make', 'clean']],
      copy: ['.env', 'config/*.local'],
      check: ['tsc'],
    });
  });

  it.each([
    [{ setup: ['npm install'] }, 'setup[0]', /^\.boocode\/config\.json: setup\[0\]: expected array of strings/],
    [{ setup: 'npm install' }, 'setup', /setup: expected a list of commands/],
    [{ teardown: [['rm', 3]] }, 'teardown[0][1]', /teardown\[0\]\[1\]: .*string/],
    [{ setup: [[]] }, 'setup[0]', /setup\[0\]: must name a program/],
    [{ copy: ['../secrets.env'] }, 'copy[0]', /copy\[0\]: must be a relative path inside the project/],
    [{ copy: ['/etc/passwd'] }, 'copy[0]', /copy\[0\]: must be a relative path/],
    [{ copy: '.env' }, 'copy', /copy: expected a list/],
  ])('names the key of a bad value: %j', (config, key, message) => {
    let err: unknown;
    try {
      parseProjectConfig(config);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GitDomainError);
    expect((err as GitDomainError).code).toBe('invalid_project_config');
    expect((err as GitDomainError).details.key).toBe(key);
    expect((err as GitDomainError).message).toMatch(message);
  });

  it('refuses invalid JSON, and a bad config stops worktree creation before anything is made', async () => {
    fx = makeProject();
    writeConfig('{ "setup": [ ');
    const err = await rejection(ensureSessionWorktree(opts()));
    expect(err.code).toBe('invalid_project_config');
    expect(err.message).toMatch(/\.boocode\/config\.json is not valid JSON/);
    writeConfig({ setup: ['npm install'] });
    const err2 = await rejection(ensureSessionWorktree(opts()));
    expect(err2.message).toMatch(/setup\[0\]: expected array of strings/);
    expect(existsSync(path.join(fx.home, 'worktrees', PROJECT_ID, SESSION))).toBe(false);
    expect(sh(fx.project, ['branch', '--list', 'boocode/*'])).toBe('');
  });
});

describe('copy', () => {
  it('copies files, globs and directories from the project and keeps them out of the diff', async () => {
    fx = makeProject({ '.gitignore': 'secrets/\n', 'tracked.env': 'tracked\n' });
    write(fx.project, '.env', 'TOKEN=1\n'); // untracked, not ignored: must still not show in the diff
    write(fx.project, 'config/a.local', 'a\n');
    write(fx.project, 'config/b.local', 'b\n');
    write(fx.project, 'config/c.txt', 'c\n');
    write(fx.project, 'secrets/deep/key with space ü.pem', 'k\n');
    write(fx.project, 'pkg/sub/.env', 'nested\n');
    write(fx.project, 'tracked.env', 'project edit not to leak\n');
    write(fx.project, 'run.sh', '#!/bin/sh\n');
    chmodSync(path.join(fx.project, 'run.sh'), 0o755);
    writeConfig({ copy: ['.env', 'config/*.local', 'secrets', '**/.env', 'tracked.env', 'run.sh', 'absent.txt'] });

    const wt = await ensureSessionWorktree(opts());
    expect(wt.copied).toEqual([
      '.env',
      'config/a.local',
      'config/b.local',
      'pkg/sub/.env',
      'run.sh',
      'secrets/deep/key with space ü.pem',
    ]);
    expect(read(wt.path, '.env')).toBe('TOKEN=1\n');
    expect(read(wt.path, 'secrets/deep/key with space ü.pem')).toBe('k\n');
    expect(existsSync(path.join(wt.path, 'config/c.txt'))).toBe(false);
    // A file checked out from the base is never overwritten by the project's uncommitted version.
    expect(read(wt.path, 'tracked.env')).toBe('tracked\n');
    expect(statSync(path.join(wt.path, 'run.sh')).mode & 0o777).toBe(0o755);
    expect((await readMeta(wt.path))?.copied).toEqual(wt.copied);

    const diff = await diffWorktree({ path: wt.path, baseCommit: wt.base_commit });
    expect(diff.files).toEqual([]);
  });

  it('refuses a symlink that leads outside the project', async () => {
    fx = makeProject();
    const outside = tempDir('outside');
    write(outside, 'secret.txt', 'nope\n');
    symlinkSync(path.join(outside, 'secret.txt'), path.join(fx.project, 'link.txt'));
    mkdirSync(path.join(fx.project, 'inner'));
    symlinkSync(outside, path.join(fx.project, 'inner', 'dir'));
    writeConfig({ copy: ['link.txt'] });
    const err = await rejection(ensureSessionWorktree(opts()));
    expect(err.code).toBe('copy_outside_project');
    writeConfig({ copy: ['inner/dir/secret.txt'] });
    const err2 = await rejection(ensureSessionWorktree(opts()));
    expect(err2.code).toBe('copy_outside_project');
    expect(existsSync(path.join(fx.home, 'worktrees', PROJECT_ID, SESSION, 'inner/dir/secret.txt'))).toBe(false);
  });
});

describe('setup and teardown', () => {
  it('runs setup without a shell, in the worktree, with the BooCode variables, streaming its output', async () => {
    fx = makeProject();
    const script = [
      'const fs = require("fs");',
      'fs.writeFileSync("setup-ran.json", JSON.stringify({cwd: process.cwd(), argv: process.argv.slice(1),',
      '  wt: process.env.BOOCODE_WORKTREE_PATH, project: process.env.BOOCODE_PROJECT_PATH, branch: process.env.BOOCODE_BRANCH}));',
      'console.log("hello from setup ✓"); console.error("a warning");',
    ].join('\n');
    // `; rm -rf` and `$(...)` would do something in a shell; here they are plain arguments.
    writeConfig({ setup: [[node, '-e', script, 'arg with space', '; rm -rf .', '$(whoami)']], copy: ['.env'] });
    write(fx.project, '.env', 'X=1\n');
    const chunks: CommandOutputChunk[] = [];
    const wt = await ensureSessionWorktree(opts({ onOutput: (c) => chunks.push(c) }));

    const ran = JSON.parse(read(wt.path, 'setup-ran.json')) as Record<string, unknown>;
    expect(ran).toEqual({
      cwd: wt.path,
      argv: ['arg with space', '; rm -rf .', '$(whoami)'],
      wt: wt.path,
      project: fx.project,
      branch: 'boocode/setup',
    });
    expect(read(wt.path, '.env')).toBe('X=1\n'); // copy happens before setup
    expect(chunks.filter((c) => c.stream === 'stdout').map((c) => c.text).join('')).toBe('hello from setup ✓\n');
    expect(chunks.filter((c) => c.stream === 'stderr').map((c) => c.text).join('')).toBe('a warning\n');
    expect(wt.setup).toHaveLength(1);
    expect(wt.setup[0]).toMatchObject({ ok: true, exit_code: 0 });
    expect(wt.setup[0]?.output).toContain('hello from setup ✓');
    // Reuse does not run setup again.
    expect((await ensureSessionWorktree(opts())).setup).toEqual([]);
  });

  it('fails with the output of a failing command, stops there, and retries set-up on the next call', async () => {
    fx = makeProject();
    const flag = path.join(fx.home, 'allow');
    writeConfig({
      setup: [
        [node, '-e', 'console.log("step one")'],
        [node, '-e', `if (!require("fs").existsSync(${JSON.stringify(flag)})) { console.error("missing dependency xyz"); process.exit(3) }`],
        [node, '-e', 'require("fs").writeFileSync("third.txt", "3")'],
      ],
    });
    const err = await rejection(ensureSessionWorktree(opts()));
    expect(err.code).toBe('setup_failed');
    expect(err.details.exit_code).toBe(3);
    expect(err.details.output).toContain('missing dependency xyz');
    expect(err.message).toMatch(/exit 3/);
    const wtPath = path.join(fx.home, 'worktrees', PROJECT_ID, SESSION);
    expect(existsSync(path.join(wtPath, 'third.txt'))).toBe(false);

    write(fx.home, 'allow', '');
    const wt = await ensureSessionWorktree(opts());
    expect(wt.created).toBe(false);
    expect(wt.setup.map((r) => r.ok)).toEqual([true, true, true]);
    expect(read(wt.path, 'third.txt')).toBe('3');
  });

  it('reports a program that does not exist as a failed setup', async () => {
    fx = makeProject();
    writeConfig({ setup: [['boocode-no-such-program-xyz', '--help']] });
    const err = await rejection(ensureSessionWorktree(opts()));
    expect(err.code).toBe('setup_failed');
    expect(err.details.output).toContain('command not found: boocode-no-such-program-xyz');
  });

  it('runs teardown on archive, then removes the worktree and deletes the branch unless kept', async () => {
    fx = makeProject();
    const marker = path.join(fx.home, 'teardown.json');
    writeConfig({
      teardown: [
        [
          node,
          '-e',
          `require("fs").writeFileSync(${JSON.stringify(marker)}, JSON.stringify({cwd: process.cwd(), branch: process.env.BOOCODE_BRANCH}))`,
        ],
      ],
    });
    const wt = await ensureSessionWorktree(opts());
    const out = await archiveSessionWorktree({ projectPath: fx.project, worktreePath: wt.path });
    expect(out).toMatchObject({ teardown_error: null, removed: true, branch: 'boocode/setup', branch_deleted: true });
    expect(JSON.parse(readFileSync(marker, 'utf8'))).toEqual({ cwd: wt.path, branch: 'boocode/setup' });
    expect(existsSync(wt.path)).toBe(false);
    expect(existsSync(`${wt.path}.boocode.json`)).toBe(false);
    expect(sh(fx.project, ['worktree', 'list', '--porcelain'])).not.toContain(wt.path);
    expect(sh(fx.project, ['branch', '--list', 'boocode/setup'])).toBe('');

    const kept = await ensureSessionWorktree(opts({ sessionId: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd', sessionSlug: 'kept' }));
    const out2 = await archiveSessionWorktree({ projectPath: fx.project, worktreePath: kept.path, keepBranch: true });
    expect(out2.branch_deleted).toBe(false);
    expect(sh(fx.project, ['branch', '--list', 'boocode/kept'])).toContain('boocode/kept');
    expect(existsSync(kept.path)).toBe(false);
  });

  it('archives even when teardown fails, and reports why', async () => {
    fx = makeProject();
    writeConfig({ teardown: [[node, '-e', 'process.exit(9)']] });
    const wt = await ensureSessionWorktree(opts());
    const out = await archiveSessionWorktree({ projectPath: fx.project, worktreePath: wt.path });
    expect(out.teardown_error).toMatch(/exit 9/);
    expect(existsSync(wt.path)).toBe(false);
    // Archiving an already archived session is a no-op, not an error.
    const again = await archiveSessionWorktree({ projectPath: fx.project, worktreePath: wt.path, branch: wt.branch });
    expect(again).toMatchObject({ removed: false, branch_deleted: false });
  });

  it('refuses to archive the project directory of a non-isolated session', async () => {
    fx = makeProject();
    const err = await rejection(archiveSessionWorktree({ projectPath: fx.project, worktreePath: fx.project }));
    expect(err.code).toBe('not_isolated');
    expect(existsSync(path.join(fx.project, 'README.md'))).toBe(true);
  });

  it('keeps only the tail of very long output', async () => {
    fx = makeProject();
    const r = await runCommand([node, '-e', 'process.stdout.write("x".repeat(3 * 1024 * 1024) + "END")'], {
      cwd: fx.project,
      env: {},
    });
    expect(r.ok).toBe(true);
    expect(r.output.length).toBeLessThan(1.1 * 1024 * 1024);
    expect(r.output.endsWith('END')).toBe(true);
    expect(r.output).toMatch(/^\[… \d+ characters dropped …\]/);
  });
});
