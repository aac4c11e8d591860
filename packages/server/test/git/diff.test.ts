import { readFileSync, rmSync, renameSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionDiff } from '@boocode/contracts';
import { applyPatch, diffWorktree, ensureSessionWorktree } from '../../src/git/index.js';
import { commitAll, editLine, lines, makeProject, sh, write, type Fixture } from './helpers.js';

const PROJECT_ID = '33333333-3333-4333-8333-333333333333';
const SESSION = 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 1, 2, 3]);

let fx: Fixture;
afterEach(() => fx?.cleanup());

async function worktree() {
  return ensureSessionWorktree({
    home: fx.home,
    projectId: PROJECT_ID,
    projectPath: fx.project,
    sessionId: SESSION,
    sessionSlug: 'diff',
  });
}


describe('diffWorktree', () => {
  it('covers added, modified, deleted, renamed and binary files, with per-file stats', async () => {
    fx = makeProject({
      'src/keep.ts': lines(20),
      'src/gone.ts': 'bye\n',
      'docs/old name.md': lines(30, 'doc'),
      'img/logo.png': PNG,
    });
    const wt = await worktree();
    editLine(wt.path, 'src/keep.ts', 10, 'changed 10');
    write(wt.path, 'src/keep.ts', readFileSync(path.join(wt.path, 'src/keep.ts'), 'utf8') + 'appended\n');
    rmSync(path.join(wt.path, 'src/gone.ts'));
    write(wt.path, 'src/new file ü.ts', 'export const n = 1;\nexport const m = 2;\n');
    renameSync(path.join(wt.path, 'docs/old name.md'), path.join(wt.path, 'docs/new name.md'));
    write(wt.path, 'img/logo.png', Buffer.concat([PNG, Buffer.from([9, 9, 0, 9])]));
    write(wt.path, 'img/new.bin', Buffer.from([0, 1, 2, 3, 0, 255]));

    const diff = await diffWorktree({ path: wt.path, baseCommit: wt.base_commit });
    expect(SessionDiff.parse(diff)).toEqual(diff);
    const byPath = Object.fromEntries(diff.files.map((f) => [f.path, f]));
    expect(byPath['src/keep.ts']).toEqual({ path: 'src/keep.ts', status: 'modified', additions: 2, deletions: 1, binary: false });
    expect(byPath['src/gone.ts']).toEqual({ path: 'src/gone.ts', status: 'deleted', additions: 0, deletions: 1, binary: false });
    expect(byPath['src/new file ü.ts']).toEqual({
      path: 'src/new file ü.ts',
      status: 'added',
      additions: 2,
      deletions: 0,
      binary: false,
    });
    expect(byPath['docs/new name.md']).toEqual({
      path: 'docs/new name.md',
      old_path: 'docs/old name.md',
      status: 'renamed',
      additions: 0,
      deletions: 0,
      binary: false,
    });
    expect(byPath['img/logo.png']).toEqual({ path: 'img/logo.png', status: 'binary', additions: 0, deletions: 0, binary: true });
    expect(byPath['img/new.bin']).toEqual({ path: 'img/new.bin', status: 'added', additions: 0, deletions: 0, binary: true });
    expect(diff.files).toHaveLength(6);
    expect(diff.stats).toEqual({ files: 6, additions: 4, deletions: 2 });
    expect(diff.patch).toContain('GIT binary patch');
    expect(diff.head).toBe(wt.base_commit);

    // Cross-check against git's own numstat of the same change (committed on a scratch branch).
    sh(wt.path, ['add', '-A']);
    const gitCounts = sh(wt.path, ['diff', '--cached', '--numstat', '-M', '-z', wt.base_commit]);
    sh(wt.path, ['reset', '-q']);
    const records = gitCounts.split('\0').filter(Boolean);
    let i = 0;
    const expected = new Map<string, [number, number]>();
    while (i < records.length) {
      const [add, del, p] = records[i]!.split('\t');
      if (p === '') {
        expected.set(records[i + 2]!, [add === '-' ? 0 : Number(add), del === '-' ? 0 : Number(del)]);
        i += 3;
      } else {
        expected.set(p!, [add === '-' ? 0 : Number(add), del === '-' ? 0 : Number(del)]);
        i += 1;
      }
    }
    expect(new Map(diff.files.map((f) => [f.path, [f.additions, f.deletions]]))).toEqual(expected);
  });

  it('sees a same-size edit made in the second the index was written, however much later it runs (racy git)', async () => {
    fx = makeProject({ 'a.txt': 'alpha\n' });
    const wt = await worktree();
    // The index recorded a.txt at second T and was itself written at T; the file then changed within
    // T without changing size. Only git's racy-entry rule (entry time >= index time: compare content)
    // tells them apart, and a copy of the index written later must not lose that.
    const t = new Date((Math.floor(Date.now() / 1000) - 100) * 1000);
    utimesSync(path.join(wt.path, 'a.txt'), t, t);
    sh(wt.path, ['update-index', '--refresh']);
    const index = sh(wt.path, ['rev-parse', '--path-format=absolute', '--git-path', 'index']).trim();
    write(wt.path, 'a.txt', 'ALPHA\n');
    utimesSync(path.join(wt.path, 'a.txt'), t, t);
    utimesSync(index, t, t);
    expect(sh(wt.path, ['--no-optional-locks', 'status', '--porcelain'])).toBe(' M a.txt\n');
    const diff = await diffWorktree({ path: wt.path, baseCommit: wt.base_commit });
    expect(diff.files.map((f) => [f.path, f.status])).toEqual([['a.txt', 'modified']]);
  });

  it('leaves the worktree index untouched and writes no objects for new files', async () => {
    fx = makeProject();
    const wt = await worktree();
    write(wt.path, 'untracked.txt', 'new\n');
    const indexFile = sh(wt.path, ['rev-parse', '--path-format=absolute', '--git-path', 'index']).trim();
    const before = readFileSync(indexFile);
    const statusBefore = sh(wt.path, ['status', '--porcelain']);
    const diff = await diffWorktree({ path: wt.path, baseCommit: wt.base_commit });
    expect(diff.files.map((f) => f.path)).toEqual(['untracked.txt']);
    expect(readFileSync(indexFile).equals(before)).toBe(true);
    expect(sh(wt.path, ['status', '--porcelain'])).toBe(statusBefore);
    expect(statusBefore).toBe('?? untracked.txt\n');
    // Intent-to-add records no content: the new file's blob is not written to the object store.
    const blob = sh(wt.path, ['hash-object', 'untracked.txt']).trim();
    expect(() => sh(wt.path, ['cat-file', '-e', blob])).toThrow();
  });

  it('includes commits made in the worktree, ignores ignored files, and is empty when nothing changed', async () => {
    fx = makeProject({ '.gitignore': 'node_modules/\n*.log\n', 'a.txt': 'a\n' });
    const wt = await worktree();
    expect((await diffWorktree({ path: wt.path, baseCommit: wt.base_commit })).files).toEqual([]);
    write(wt.path, 'node_modules/dep/index.js', 'x\n');
    write(wt.path, 'debug.log', 'x\n');
    write(wt.path, 'a.txt', 'a\nb\n');
    const head = commitAll(wt.path, 'agent commit');
    write(wt.path, 'c.txt', 'c\n');
    const diff = await diffWorktree({ path: wt.path, baseCommit: wt.base_commit });
    expect(diff.files.map((f) => f.path).sort()).toEqual(['a.txt', 'c.txt']);
    expect(diff.head).toBe(head);
    expect(diff.base_commit).toBe(wt.base_commit);
  });

  it('handles names git would quote: tabs, quotes, backslashes, newlines, unicode and leading dashes', async () => {
    fx = makeProject({ 'plain.txt': 'p\n' });
    const wt = await worktree();
    const names = ['tab\there.txt', 'quote"d.txt', 'back\\slash.txt', 'new\nline.txt', 'ünï cödé ✓.txt', '-rf', 'star*.txt'];
    for (const n of names) write(wt.path, n, 'x\n');
    const diff = await diffWorktree({ path: wt.path, baseCommit: wt.base_commit });
    expect(diff.files.map((f) => f.path).sort()).toEqual([...names].sort());
    expect(diff.files.every((f) => f.status === 'added' && f.additions === 1)).toBe(true);
  });

  it('diffs text that is not UTF-8 as binary, so the patch keeps its exact bytes and applies', async () => {
    const latin1 = (t: string) => Buffer.from(t, 'latin1');
    fx = makeProject({ 'legacy/café menu*.txt': latin1('café\ncrème\n'), 'utf8.txt': 'ok ✓\n' });
    const wt = await worktree();
    write(wt.path, 'legacy/café menu*.txt', latin1('café\ncrème brûlée\n'));
    write(wt.path, 'legacy/new ñ.txt', latin1('año\n'));
    write(wt.path, 'utf8.txt', 'still ok ✓\n');
    const diff = await diffWorktree({ path: wt.path, baseCommit: wt.base_commit });
    expect(diff.files.map((f) => [f.path, f.status, f.binary]).sort()).toEqual([
      ['legacy/café menu*.txt', 'binary', true],
      ['legacy/new ñ.txt', 'added', true],
      ['utf8.txt', 'modified', false],
    ]);
    expect(diff.patch).not.toContain('\uFFFD');
    await applyPatch({ projectPath: fx.project, patch: diff.patch });
    expect(readFileSync(path.join(fx.project, 'legacy/café menu*.txt')).equals(latin1('café\ncrème brûlée\n'))).toBe(true);
    expect(readFileSync(path.join(fx.project, 'legacy/new ñ.txt')).equals(latin1('año\n'))).toBe(true);
  });

  it('diffs a non-isolated session in the project without touching the project index', async () => {
    fx = makeProject({ 'a.txt': 'a\n' });
    const wt = await ensureSessionWorktree({
      home: fx.home,
      projectId: PROJECT_ID,
      projectPath: fx.project,
      sessionId: SESSION,
      sessionSlug: 'direct',
      isolated: false,
    });
    write(fx.project, 'a.txt', 'A\n');
    write(fx.project, 'b.txt', 'b\n');
    const index = readFileSync(path.join(fx.project, '.git', 'index'));
    const diff = await diffWorktree({ path: wt.path, baseCommit: wt.base_commit });
    expect(diff.files.map((f) => `${f.status} ${f.path}`).sort()).toEqual(['added b.txt', 'modified a.txt']);
    expect(readFileSync(path.join(fx.project, '.git', 'index')).equals(index)).toBe(true);
  });
});
