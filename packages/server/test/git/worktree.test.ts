import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  branchForSlug,
  ensureSessionWorktree,
  GitDomainError,
  inspectRepository,
  worktreePathFor,
} from '../../src/git/index.js';
import { readMeta, sidecarPathFor } from '../../src/git/layout.js';
import { commitAll, makeProject, read, sh, tempDir, write, type Fixture } from './helpers.js';

const PROJECT_ID = '11111111-1111-4111-8111-111111111111';
const SESSION_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const SESSION_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

let fx: Fixture;
afterEach(() => fx?.cleanup());

function base(over: Partial<Parameters<typeof ensureSessionWorktree>[0]> = {}) {
  return {
    home: fx.home,
    projectId: PROJECT_ID,
    projectPath: fx.project,
    sessionId: SESSION_A,
    sessionSlug: 'Fix the login bug',
    ...over,
  };
}

async function domainError(p: Promise<unknown>): Promise<GitDomainError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GitDomainError);
  return err as GitDomainError;
}

describe('ensureSessionWorktree', () => {
  it('creates the worktree on the first call and reuses it on the second', async () => {
    fx = makeProject({ 'src/app.ts': 'export const x = 1;\n' });
    const head = sh(fx.project, ['rev-parse', 'HEAD']).trim();

    const first = await ensureSessionWorktree(base());
    expect(first.created).toBe(true);
    expect(first.isolated).toBe(true);
    expect(first.path).toBe(worktreePathFor(fx.home, PROJECT_ID, SESSION_A));
    expect(first.branch).toBe('boocode/fix-the-login-bug');
    expect(first.base_commit).toBe(head);
    expect(read(first.path, 'src/app.ts')).toBe('export const x = 1;\n');
    // git agrees: a linked worktree of the project on the session branch, at the base commit.
    const list = sh(fx.project, ['worktree', 'list', '--porcelain']);
    expect(list).toContain(`worktree ${first.path}\n`);
    expect(list).toContain('branch refs/heads/boocode/fix-the-login-bug');
    expect(sh(first.path, ['rev-parse', 'HEAD']).trim()).toBe(head);

    // The agent works, the project moves on; the second turn still gets the same tree and base.
    write(first.path, 'src/app.ts', 'export const x = 2;\n');
    write(fx.project, 'other.txt', 'later\n');
    const later = commitAll(fx.project, 'later');
    const second = await ensureSessionWorktree(base());
    expect(second.created).toBe(false);
    expect(second.path).toBe(first.path);
    expect(second.base_commit).toBe(head);
    expect(second.base_commit).not.toBe(later);
    expect(second.setup).toEqual([]);
    expect(read(second.path, 'src/app.ts')).toBe('export const x = 2;\n');
  });

  it('starts from a chosen base branch', async () => {
    fx = makeProject();
    sh(fx.project, ['checkout', '-q', '-b', 'develop']);
    write(fx.project, 'dev.txt', 'dev\n');
    const devHead = commitAll(fx.project, 'dev');
    sh(fx.project, ['checkout', '-q', 'main']);

    const wt = await ensureSessionWorktree(base({ baseBranch: 'develop' }));
    expect(wt.base_commit).toBe(devHead);
    expect(read(wt.path, 'dev.txt')).toBe('dev\n');
    const missing = await domainError(ensureSessionWorktree(base({ sessionId: SESSION_B, sessionSlug: 'other', baseBranch: 'nope' })));
    expect(missing.code).toBe('unknown_branch');
  });

  it('gives a non-isolated session the project itself and its HEAD as base', async () => {
    fx = makeProject();
    const head = sh(fx.project, ['rev-parse', 'HEAD']).trim();
    const wt = await ensureSessionWorktree(base({ isolated: false }));
    expect(wt).toMatchObject({ isolated: false, created: false, base_commit: head, branch: 'main' });
    expect(wt.path).toBe(fx.project);
    expect(existsSync(path.join(fx.home, 'worktrees'))).toBe(false);
  });

  it('refuses a slug whose branch already exists, rather than hijacking it', async () => {
    fx = makeProject();
    sh(fx.project, ['branch', 'boocode/taken']);
    const err = await domainError(ensureSessionWorktree(base({ sessionSlug: 'taken' })));
    expect(err.code).toBe('branch_exists');
    expect(existsSync(worktreePathFor(fx.home, PROJECT_ID, SESSION_A))).toBe(false);
  });

  it('finishes a creation interrupted by a crash with the recorded branch and base', async () => {
    fx = makeProject();
    const first = await ensureSessionWorktree(base());
    // Simulate a crash that lost the directory but left the sidecar (and the branch).
    rmSync(first.path, { recursive: true, force: true });
    write(fx.project, 'moved.txt', 'x\n');
    commitAll(fx.project, 'project moved on');
    const again = await ensureSessionWorktree(base());
    expect(again.created).toBe(true);
    expect(again.base_commit).toBe(first.base_commit);
    expect(again.branch).toBe(first.branch);
    expect(existsSync(path.join(again.path, 'README.md'))).toBe(true);
  });

  it('works with spaces, unicode and quotes in the project path, the home and the slug', async () => {
    const dir = tempDir('wörk tree "q"');
    const project = path.join(dir, 'prøjëct with spaces');
    const home = path.join(dir, 'hömé dir');
    mkdirSync(project);
    sh(project, ['init', '-q', '-b', 'main']);
    sh(project, ['config', 'user.name', 'T']);
    sh(project, ['config', 'user.email', 't@e.x']);
    write(project, 'dïr with space/fïlé 1.txt', 'hello\n');
    commitAll(project, 'init');
    fx = { home, project, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    const wt = await ensureSessionWorktree(base({ sessionSlug: 'Ünïcode: fix ✓ "it"' }));
    expect(wt.branch).toBe('boocode/ünïcode-fix-it');
    expect(read(wt.path, 'dïr with space/fïlé 1.txt')).toBe('hello\n');
    expect((await ensureSessionWorktree(base({ sessionSlug: 'Ünïcode: fix ✓ "it"' }))).created).toBe(false);
  });

  it('refuses a missing path, a file, a directory that is not a git repository, a subdirectory, and a repository without commits', async () => {
    const dir = tempDir();
    fx = { home: path.join(dir, 'home'), project: dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    const plain = path.join(dir, 'plain');
    mkdirSync(plain);
    expect((await domainError(inspectRepository(plain))).code).toBe('not_a_git_repository');
    expect((await domainError(inspectRepository(path.join(dir, 'missing')))).code).toBe('path_not_found');
    writeFileSync(path.join(dir, 'file'), 'x');
    expect((await domainError(inspectRepository(path.join(dir, 'file')))).code).toBe('not_a_directory');

    const repo = path.join(dir, 'repo');
    mkdirSync(path.join(repo, 'sub'), { recursive: true });
    sh(repo, ['init', '-q', '-b', 'main']);
    expect((await domainError(inspectRepository(path.join(repo, 'sub')))).code).toBe('not_repository_root');
    expect(await inspectRepository(repo)).toMatchObject({ head: null, branch: 'main' });
    const empty = await domainError(ensureSessionWorktree(base({ projectPath: repo })));
    expect(empty.code).toBe('no_commits');
  });

  it('refuses a session id that is not a plain path segment', async () => {
    fx = makeProject();
    await expect(ensureSessionWorktree(base({ sessionId: '../escape' }))).rejects.toThrow();
    expect(existsSync(path.join(fx.home, 'worktrees', 'escape'))).toBe(false);
  });

  it('records its state in a sidecar beside the worktree', async () => {
    fx = makeProject();
    const wt = await ensureSessionWorktree(base());
    const meta = await readMeta(wt.path);
    expect(meta).toMatchObject({ session_id: SESSION_A, base_commit: wt.base_commit, setup_done: true, copied: [] });
    writeFileSync(sidecarPathFor(wt.path), '{"version": 2}');
    await expect(ensureSessionWorktree(base())).rejects.toThrow(/malformed/);
  });
});

describe('branchForSlug', () => {
  it('produces names git accepts', () => {
    expect(branchForSlug('Fix Login Bug!')).toBe('boocode/fix-login-bug');
    expect(branchForSlug('..weird..name.lock')).toBe('boocode/weird.name-lock');
    expect(branchForSlug('   ')).toBe('boocode/session');
    expect(branchForSlug('a/b c')).toBe('boocode/a-b-c');
  });
});

describe('concurrency and environment', () => {
  it('creates worktrees of many sessions of one project in parallel', async () => {
    fx = makeProject();
    const ids = Array.from({ length: 6 }, (_, i) => `${i}aaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa`);
    const all = await Promise.all(ids.map((id, i) => ensureSessionWorktree(base({ sessionId: id, sessionSlug: `par ${i}` }))));
    expect(new Set(all.map((w) => w.path)).size).toBe(6);
    expect(all.every((w) => w.created)).toBe(true);
    const list = sh(fx.project, ['worktree', 'list', '--porcelain']);
    for (const w of all) expect(list).toContain(`worktree ${w.path}\n`);
  });

  it('rides out another process half-way through creating a worktree of the same repository', async () => {
    fx = makeProject();
    // What a concurrent `git worktree add` looks like from outside for a moment: an entry whose
    // `commondir` is still empty. git dies on it ("failed to read .../commondir") until it is written.
    const entry = path.join(fx.project, '.git', 'worktrees', 'other-process');
    mkdirSync(entry, { recursive: true });
    writeFileSync(path.join(entry, 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(path.join(entry, 'gitdir'), path.join(fx.home, 'elsewhere', '.git') + '\n');
    writeFileSync(path.join(entry, 'commondir'), '');
    expect(() => sh(fx.project, ['worktree', 'list'])).toThrow(/failed to read/);
    // The other process finishes right after our first `worktree add -b` has failed on it; that
    // failed attempt has already created the branch (git creates it before validating).
    const ref = path.join(fx.project, '.git', 'refs', 'heads', 'boocode', 'fix-the-login-bug');
    const healer = setInterval(() => {
      if (!existsSync(ref)) return;
      writeFileSync(path.join(entry, 'commondir'), '../..\n');
      clearInterval(healer);
    }, 1);
    const wt = await ensureSessionWorktree(base()).finally(() => clearInterval(healer));
    expect(wt.created).toBe(true);
    expect(sh(fx.project, ['worktree', 'list', '--porcelain'])).toContain(`worktree ${wt.path}\n`);
  });

  it('gives up on worktree metadata that stays broken, then recovers the branch the failed attempt left', async () => {
    fx = makeProject();
    const entry = path.join(fx.project, '.git', 'worktrees', 'broken');
    mkdirSync(entry, { recursive: true });
    writeFileSync(path.join(entry, 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(path.join(entry, 'gitdir'), path.join(fx.home, 'elsewhere', '.git') + '\n');
    writeFileSync(path.join(entry, 'commondir'), '');
    await expect(ensureSessionWorktree(base())).rejects.toThrow(/failed to read .*broken\/commondir/);
    expect(sh(fx.project, ['rev-parse', '--verify', '--quiet', 'refs/heads/boocode/fix-the-login-bug'])).not.toBe('');

    rmSync(entry, { recursive: true });
    const wt = await ensureSessionWorktree(base());
    expect(wt).toMatchObject({ created: true, branch: 'boocode/fix-the-login-bug' });
    expect(wt.base_commit).toBe(sh(fx.project, ['rev-parse', 'main']).trim());
  });

  it('ignores GIT_DIR and GIT_INDEX_FILE inherited from the environment (e.g. a server started from a hook)', async () => {
    fx = makeProject();
    const saved = { dir: process.env.GIT_DIR, index: process.env.GIT_INDEX_FILE };
    process.env.GIT_DIR = path.join(fx.home, 'not-a-repo');
    process.env.GIT_INDEX_FILE = path.join(fx.home, 'bogus-index');
    try {
      const wt = await ensureSessionWorktree(base());
      expect(wt.created).toBe(true);
    } finally {
      for (const [k, v] of [['GIT_DIR', saved.dir], ['GIT_INDEX_FILE', saved.index]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
