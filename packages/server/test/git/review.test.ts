import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MergeResult } from '@boocode/contracts';
import {
  applyPatch,
  commitWorktree,
  diffWorktree,
  ensureSessionWorktree,
  GitDomainError,
  mergeSessionBranch,
  rejectWorktree,
  type SessionWorktree,
} from '../../src/git/index.js';
import { commitAll, editLine, lines, makeProject, read, sh, snapshot, write, type Fixture } from './helpers.js';

const PROJECT_ID = '44444444-4444-4444-8444-444444444444';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 0, 255]);

let fx: Fixture;
afterEach(() => fx?.cleanup());

function session(n: number, over: Partial<Parameters<typeof ensureSessionWorktree>[0]> = {}): Promise<SessionWorktree> {
  return ensureSessionWorktree({
    home: fx.home,
    projectId: PROJECT_ID,
    projectPath: fx.project,
    sessionId: `${n}0000000-0000-4000-8000-000000000000`,
    sessionSlug: `session ${n}`,
    ...over,
  });
}

async function domainError(p: Promise<unknown>): Promise<GitDomainError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GitDomainError);
  return err as GitDomainError;
}

/** An agent's typical turn: one edit, one new file (name with space and unicode), one deletion, one binary. */
function agentEdits(root: string): void {
  editLine(root, 'src/main.ts', 5, 'line five, improved');
  write(root, 'src/nëw file.ts', 'export {};\n');
  rmSync(path.join(root, 'obsolete.txt'));
  write(root, 'logo.png', Buffer.concat([PNG, Buffer.from([7])]));
}

const FILES = { 'src/main.ts': lines(40), 'obsolete.txt': 'old\n', 'logo.png': PNG, 'notes.md': 'notes\n' };

describe('apply', () => {
  it('applies a session change onto a clean project working tree', async () => {
    fx = makeProject(FILES);
    const wt = await session(1);
    agentEdits(wt.path);
    const diff = await diffWorktree({ path: wt.path, baseCommit: wt.base_commit });
    const res = await applyPatch({ projectPath: fx.project, patch: diff.patch });
    expect(res.files.sort()).toEqual(['logo.png', 'obsolete.txt', 'src/main.ts', 'src/nëw file.ts']);
    for (const f of ['src/main.ts', 'src/nëw file.ts', 'logo.png']) {
      expect(readFileSync(path.join(fx.project, f)).equals(readFileSync(path.join(wt.path, f)))).toBe(true);
    }
    expect(existsSync(path.join(fx.project, 'obsolete.txt'))).toBe(false);
    // Working tree only: nothing staged, HEAD unchanged.
    expect(sh(fx.project, ['diff', '--cached', '--name-only'])).toBe('');
    expect(sh(fx.project, ['rev-parse', 'HEAD']).trim()).toBe(wt.base_commit);
  });

  it('applies while the project has uncommitted changes in other files', async () => {
    fx = makeProject(FILES);
    const wt = await session(1);
    agentEdits(wt.path);
    write(fx.project, 'notes.md', 'my own edit\n');
    const diff = await diffWorktree({ path: wt.path, baseCommit: wt.base_commit });
    await applyPatch({ projectPath: fx.project, patch: diff.patch });
    expect(read(fx.project, 'notes.md')).toBe('my own edit\n');
    expect(read(fx.project, 'src/main.ts')).toContain('line five, improved');
  });

  it.each([
    ['a modified touched file', (p: string) => editLine(p, 'src/main.ts', 30, 'user edit far away')],
    ['a staged touched file', (p: string) => (write(p, 'obsolete.txt', 'changed\n'), sh(p, ['add', 'obsolete.txt']))],
    ['an untracked file where the change creates one', (p: string) => write(p, 'src/nëw file.ts', 'mine\n')],
  ])('refuses when the project has %s, leaving it byte-for-byte untouched', async (_label, dirty) => {
    fx = makeProject(FILES);
    const wt = await session(1);
    agentEdits(wt.path);
    const diff = await diffWorktree({ path: wt.path, baseCommit: wt.base_commit });
    dirty(fx.project);
    const before = snapshot(fx.project);
    const err = await domainError(applyPatch({ projectPath: fx.project, patch: diff.patch }));
    expect(err.code).toBe('dirty_project');
    expect(err.details.files?.length).toBe(1);
    expect(err.message).toMatch(/uncommitted changes/);
    expect(snapshot(fx.project)).toEqual(before);
  });

  it('refuses a patch that no longer applies, half-applying nothing', async () => {
    fx = makeProject(FILES);
    const wt = await session(1);
    agentEdits(wt.path);
    const diff = await diffWorktree({ path: wt.path, baseCommit: wt.base_commit });
    // The project moved on (committed, so the tree is clean) in a way that breaks one hunk only:
    // every other file of the patch would apply, and must not be.
    editLine(fx.project, 'src/main.ts', 5, 'someone else rewrote line five');
    commitAll(fx.project, 'conflicting upstream change');
    const before = snapshot(fx.project);
    const err = await domainError(applyPatch({ projectPath: fx.project, patch: diff.patch }));
    expect(err.code).toBe('patch_does_not_apply');
    expect(err.message).toMatch(/src\/main\.ts/);
    expect(snapshot(fx.project)).toEqual(before);
    expect(existsSync(path.join(fx.project, 'src/nëw file.ts'))).toBe(false);
  });
});

describe('reject', () => {
  it('resets the worktree to its base: edits, new files and commits are gone, ignored and copied files stay', async () => {
    fx = makeProject({ ...FILES, '.gitignore': 'node_modules/\n' });
    write(fx.project, '.env', 'SECRET=1\n');
    write(fx.project, '.boocode/config.json', JSON.stringify({ copy: ['.env'] }));
    const wt = await session(1);
    agentEdits(wt.path);
    write(wt.path, 'node_modules/dep.js', 'installed\n');
    await commitWorktree({ worktreePath: wt.path, message: 'agent commit' });
    write(wt.path, 'after commit.txt', 'x\n');
    write(wt.path, 'nested dir/deep/file.txt', 'x\n');

    expect(await rejectWorktree({ worktreePath: wt.path, baseCommit: wt.base_commit })).toEqual({ base_commit: wt.base_commit });
    expect(sh(wt.path, ['rev-parse', 'HEAD']).trim()).toBe(wt.base_commit);
    expect(sh(wt.path, ['status', '--porcelain', '--untracked-files=all'])).toBe('?? .env\n');
    expect(read(wt.path, '.env')).toBe('SECRET=1\n');
    expect(read(wt.path, 'node_modules/dep.js')).toBe('installed\n');
    expect(existsSync(path.join(wt.path, 'nested dir'))).toBe(false);
    expect((await diffWorktree({ path: wt.path, baseCommit: wt.base_commit })).files).toEqual([]);
  });

  it('refuses to reset the project directory of a non-isolated session', async () => {
    fx = makeProject(FILES);
    const wt = await session(1, { isolated: false });
    write(fx.project, 'user work.txt', 'precious\n');
    const before = snapshot(fx.project);
    const err = await domainError(rejectWorktree({ worktreePath: wt.path, baseCommit: wt.base_commit }));
    expect(err.code).toBe('not_isolated');
    expect(snapshot(fx.project)).toEqual(before);
  });
});

describe('commit', () => {
  it('commits everything in the worktree on the session branch, except copied files', async () => {
    fx = makeProject(FILES);
    write(fx.project, '.env', 'SECRET=1\n');
    write(fx.project, '.boocode/config.json', JSON.stringify({ copy: ['.env'] }));
    const wt = await session(1);
    agentEdits(wt.path);
    const res = await commitWorktree({ worktreePath: wt.path, message: 'Improve line five ✓' });
    expect(res.files.sort()).toEqual(['logo.png', 'obsolete.txt', 'src/main.ts', 'src/nëw file.ts']);
    expect(sh(fx.project, ['rev-parse', `refs/heads/${wt.branch}`]).trim()).toBe(res.commit);
    expect(sh(fx.project, ['log', '-1', '--format=%s%n%P', res.commit])).toBe(`Improve line five ✓\n${wt.base_commit}\n`);
    expect(sh(wt.path, ['status', '--porcelain'])).toBe('?? .env\n');
    // The project's own branch and files are untouched.
    expect(sh(fx.project, ['rev-parse', 'main']).trim()).toBe(wt.base_commit);
    const err = await domainError(commitWorktree({ worktreePath: wt.path, message: 'again' }));
    expect(err.code).toBe('nothing_to_commit');
  });

  it('commits with a fallback identity when none is configured', async () => {
    fx = makeProject(FILES);
    sh(fx.project, ['config', '--unset', 'user.name']);
    sh(fx.project, ['config', '--unset', 'user.email']);
    const wt = await session(1);
    write(wt.path, 'x.txt', 'x\n');
    const home = process.env.HOME;
    const xdg = process.env.XDG_CONFIG_HOME;
    process.env.HOME = fx.home; // no ~/.gitconfig identity either
    process.env.XDG_CONFIG_HOME = fx.home;
    try {
      const res = await commitWorktree({ worktreePath: wt.path, message: 'anonymous' });
      expect(sh(fx.project, ['log', '-1', '--format=%an <%ae>', res.commit]).trim()).toBe('BooCode <boocode@localhost>');
    } finally {
      process.env.HOME = home;
      if (xdg === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = xdg;
    }
  });
});

describe('merge', () => {
  it('fast-forwards a target branch that is not checked out, without touching the project', async () => {
    fx = makeProject(FILES);
    sh(fx.project, ['branch', 'release']);
    const wt = await session(1);
    agentEdits(wt.path);
    const { commit } = await commitWorktree({ worktreePath: wt.path, message: 'agent work' });
    const before = snapshot(fx.project);
    const res = await mergeSessionBranch({ projectPath: fx.project, branch: wt.branch!, targetBranch: 'release' });
    expect(MergeResult.parse(res)).toEqual({
      status: 'merged',
      target_branch: 'release',
      commit,
      fast_forward: true,
      uncommitted_files: [],
    });
    expect(sh(fx.project, ['rev-parse', 'release']).trim()).toBe(commit);
    const after = snapshot(fx.project);
    expect({ ...after, '<refs>': '' }).toEqual({ ...before, '<refs>': '' });
  });

  it('merges into the checked-out branch, committing pending worktree changes when asked', async () => {
    fx = makeProject(FILES);
    const wt = await session(1);
    agentEdits(wt.path);
    // The project moves on in a different file, so a real merge commit is needed.
    write(fx.project, 'notes.md', 'upstream notes\n');
    const upstream = commitAll(fx.project, 'upstream');
    write(fx.project, 'scratch.txt', 'user scratch, untouched by the merge\n');

    const res = await mergeSessionBranch({
      projectPath: fx.project,
      branch: wt.branch!,
      targetBranch: 'main',
      worktreePath: wt.path,
      commitPending: true,
      message: 'Session work',
    });
    expect(res.status).toBe('merged');
    if (res.status !== 'merged') return;
    expect(res.fast_forward).toBe(false);
    expect(res.uncommitted_files).toEqual([]);
    expect(sh(fx.project, ['rev-parse', 'HEAD']).trim()).toBe(res.commit);
    const parents = sh(fx.project, ['log', '-1', '--format=%P', res.commit]).trim().split(' ');
    expect(parents[0]).toBe(upstream);
    expect(sh(fx.project, ['log', '-1', '--format=%s', parents[1]!]).trim()).toBe('Session work');
    // Project files follow the branch; the user's unrelated untracked file is still there.
    expect(read(fx.project, 'src/main.ts')).toContain('line five, improved');
    expect(read(fx.project, 'src/nëw file.ts')).toBe('export {};\n');
    expect(existsSync(path.join(fx.project, 'obsolete.txt'))).toBe(false);
    expect(read(fx.project, 'notes.md')).toBe('upstream notes\n');
    expect(read(fx.project, 'scratch.txt')).toBe('user scratch, untouched by the merge\n');
    expect(sh(fx.project, ['status', '--porcelain'])).toBe('?? scratch.txt\n');
  });

  it('reports uncommitted worktree files that were left out when not asked to commit them', async () => {
    fx = makeProject(FILES);
    sh(fx.project, ['branch', 'release']);
    const wt = await session(1);
    write(wt.path, 'committed.txt', 'c\n');
    await commitWorktree({ worktreePath: wt.path, message: 'part one' });
    write(wt.path, 'pending.txt', 'p\n');
    const res = await mergeSessionBranch({
      projectPath: fx.project,
      branch: wt.branch!,
      targetBranch: 'release',
      worktreePath: wt.path,
    });
    expect(res).toMatchObject({ status: 'merged', uncommitted_files: ['pending.txt'] });
    expect(sh(fx.project, ['ls-tree', '--name-only', 'release'])).not.toContain('pending.txt');
    const again = await mergeSessionBranch({ projectPath: fx.project, branch: wt.branch!, targetBranch: 'release' });
    expect(again.status).toBe('up_to_date');
  });

  it('aborts a conflicting merge cleanly, reports the files and leaves the project as it was', async () => {
    fx = makeProject(FILES);
    const wt = await session(1);
    agentEdits(wt.path);
    write(wt.path, 'notes.md', 'session notes\n');
    await commitWorktree({ worktreePath: wt.path, message: 'agent' });
    editLine(fx.project, 'src/main.ts', 5, 'upstream line five');
    write(fx.project, 'notes.md', 'upstream notes\n');
    commitAll(fx.project, 'upstream');
    write(fx.project, 'wip.txt', 'uncommitted user work\n');
    editLine(fx.project, 'src/main.ts', 39, 'uncommitted edit');

    const before = snapshot(fx.project);
    const res = await mergeSessionBranch({ projectPath: fx.project, branch: wt.branch!, targetBranch: 'main' });
    expect(res).toEqual({ status: 'conflict', target_branch: 'main', conflicts: ['notes.md', 'src/main.ts'] });
    expect(snapshot(fx.project)).toEqual(before);
  });

  it('refuses to merge into a checked-out branch whose changed files are dirty', async () => {
    fx = makeProject(FILES);
    const wt = await session(1);
    agentEdits(wt.path);
    await commitWorktree({ worktreePath: wt.path, message: 'agent' });
    editLine(fx.project, 'src/main.ts', 39, 'uncommitted edit');
    const before = snapshot(fx.project);
    const err = await domainError(mergeSessionBranch({ projectPath: fx.project, branch: wt.branch!, targetBranch: 'main' }));
    expect(err.code).toBe('dirty_project');
    expect(err.details.files).toEqual(['src/main.ts']);
    expect(snapshot(fx.project)).toEqual(before);
  });

  it('refuses a target checked out in another worktree, and unknown branches', async () => {
    fx = makeProject(FILES);
    const a = await session(1);
    const b = await session(2);
    write(a.path, 'a.txt', 'a\n');
    await commitWorktree({ worktreePath: a.path, message: 'a' });
    const err = await domainError(mergeSessionBranch({ projectPath: fx.project, branch: a.branch!, targetBranch: b.branch! }));
    expect(err.code).toBe('target_checked_out_elsewhere');
    const unknown = await domainError(mergeSessionBranch({ projectPath: fx.project, branch: a.branch!, targetBranch: 'nope' }));
    expect(unknown.code).toBe('unknown_branch');
    const bad = await domainError(mergeSessionBranch({ projectPath: fx.project, branch: a.branch!, targetBranch: '--force' }));
    expect(bad.code).toBe('invalid_branch_name');
  });
});
